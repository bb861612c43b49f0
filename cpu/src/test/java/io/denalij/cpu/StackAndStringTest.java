package io.denalij.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Stack instructions, near calls, ENTER/LEAVE, PUSHA/POPA, and the string instructions with REP. */
class StackAndStringTest {
    @Test
    void pushPopCallEnterLeavePushaPopa() {
        TestMachine m = new TestMachine(
                "b8 11 11 11 11",       // mov eax, 0x11111111
                "50",                   // push eax
                "6a 22",                // push 0x22
                "66 ff 35 00 20 00 00", // push word ptr [0x2000]
                "66 5b",                // pop bx
                "59",                   // pop ecx
                "5a",                   // pop edx
                "e8 06 00 00 00",       // call sub1
                "be 07 00 00 00",       // mov esi, 7
                "f4",                   // hlt
                "55",                   // sub1: push ebp
                "89 e5",                // mov ebp, esp
                "c8 08 00 00",          // enter 8, 0
                "c7 45 fc 55 00 00 00", // mov dword ptr [ebp-4], 0x55
                "c9",                   // leave
                "5d",                   // pop ebp
                "60",                   // pushad
                "b8 00 00 00 00",       // mov eax, 0
                "61",                   // popad
                "c3");                  // ret
        m.write32(0x2000, 0xBEEF);
        m.runToHalt();
        assertEquals(0xBEEF, m.ebx(), "a 16-bit pop writes BX only");
        assertEquals(0x22, m.ecx());
        assertEquals(0x1111_1111, m.edx());
        assertEquals(0x1111_1111, m.eax(), "popad restored EAX");
        assertEquals(7, m.esi());
        assertEquals(TestMachine.STACK, m.esp());
        assertEquals(0, m.ebp());
        assertEquals(0x1111_1111, m.read32(TestMachine.STACK - 8), "PUSHAD stored EAX first, below the return address");
        assertEquals(TestMachine.STACK - 4, m.read32(TestMachine.STACK - 24), "PUSHAD stored ESP as it was before");
        assertEquals(TestMachine.CODE + 24, m.read32(TestMachine.STACK - 4), "the return address CALL pushed");
    }

    @Test
    void repStringInstructionsBothDirections() {
        TestMachine m = new TestMachine(
                "be 00 20 00 00", // mov esi, 0x2000
                "bf 00 30 00 00", // mov edi, 0x3000
                "b9 05 00 00 00", // mov ecx, 5
                "fc",             // cld
                "f3 a5",          // rep movsd
                "b0 ab",          // mov al, 0xAB
                "b9 03 00 00 00", // mov ecx, 3
                "bf 00 31 00 00", // mov edi, 0x3100
                "f3 aa",          // rep stosb
                "fd",             // std
                "be 03 20 00 00", // mov esi, 0x2003
                "bf 03 32 00 00", // mov edi, 0x3203
                "b9 04 00 00 00", // mov ecx, 4
                "f3 a4",          // rep movsb
                "fc",             // cld
                "be 10 20 00 00", // mov esi, 0x2010
                "bf 10 30 00 00", // mov edi, 0x3010
                "b9 08 00 00 00", // mov ecx, 8
                "f3 a6",          // repe cmpsb
                "89 ca",          // mov edx, ecx
                "bf 00 20 00 00", // mov edi, 0x2000
                "b9 64 00 00 00", // mov ecx, 100
                "b0 44",          // mov al, 0x44
                "f2 ae",          // repne scasb
                "f4");
        byte[] src = new byte[32];
        for (int i = 0; i < 32; i++) src[i] = (byte) (i + 1);
        src[0x10] = 0x44;
        m.load(0x2000, src);
        m.runToHalt();
        for (int i = 0; i < 20; i++) assertEquals(src[i], (byte) m.read8(0x3000 + i), "movsd byte " + i);
        assertEquals(0, m.read8(0x3014), "rep movsd copied exactly 5 dwords");
        assertEquals(0xABABAB, m.read32(0x3100));
        assertEquals(0x04030201, m.read32(0x3200), "backwards movsb keeps the byte order");
        assertEquals(3, m.edx(), "repe cmpsb stopped at the first difference, 0x3014, after 5 compares");
        assertEquals(100 - 17, m.ecx(), "repne scasb found 0x44 in the 17th byte");
        assertEquals(0x2011, m.edi());
        assertEquals(CpuState.ZF, m.arith() & CpuState.ZF);
    }

    @Test
    void repWithSixteenBitAddressingWrapsSiAndDi() {
        TestMachine m = new TestMachine(
                "66 be fe ff",       // mov si, 0xfffe
                "bf 00 30 00 00",    // mov edi, 0x3000
                "b9 04 00 00 00",    // mov ecx, 4
                "67 f3 a4",          // rep movs byte ptr es:[di], byte ptr ds:[si]
                "f4");
        m.s.gpr[CpuState.ESI] = 0x0001_0000;
        m.load(0xfffe, new byte[] {1, 2});
        m.load(0x0, new byte[] {3, 4});
        m.runToHalt();
        assertEquals(0x04030201, m.read32(0x3000), "SI wrapped from 0xffff to 0");
        assertEquals(0x0001_0002, m.esi(), "the upper half of ESI is untouched by 16-bit addressing");
    }

    @Test
    void longRepIsInterruptibleAndResumesExactly() {
        TestMachine m = new TestMachine(
                "b9 00 00 01 00", // mov ecx, 0x10000
                "bf 00 00 10 00", // mov edi, 0x100000
                "b0 5a",          // mov al, 0x5a
                "f3 aa",          // rep stosb
                "f4");
        m.cpu.run(4); // three movs and the first slice of the rep
        assertEquals(TestMachine.CODE + 12, m.s.eip, "a partly done REP leaves EIP at itself");
        assertEquals(0x10000 - 4096, m.ecx());
        m.runToHalt();
        assertEquals(0, m.ecx());
        assertEquals(0x110000, m.edi());
        assertEquals(0x5a5a5a5a, m.read32(0x10fffc));
        assertEquals(0, m.read32(0x110000));
    }
}
