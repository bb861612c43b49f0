package io.denalij.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** ALU, multiply/divide and moves through the interpreter: operand routing, sizes, memory forms, flags. */
class IntegerInstructionsTest {
    private static final int ZF = CpuState.ZF, PF = CpuState.PF, SF = CpuState.SF, OF = CpuState.OF,
            CF = CpuState.CF, AF = CpuState.AF;

    @Test
    void tightLoopSumsOneToN() {
        TestMachine m = new TestMachine(
                "b9 a0 86 01 00", // mov ecx, 100000
                "31 c0",          // xor eax, eax
                "01 c8",          // loop: add eax, ecx
                "01 c3",          //       add ebx, eax
                "49",             //       dec ecx
                "75 f9",          //       jnz loop
                "f4").runToHalt();
        assertEquals((int) (100_000L * 100_001L / 2), m.eax());
        assertEquals(0, m.ecx());
        assertEquals(2 + 4 * 100_000L + 1, m.s.icount);
    }

    @Test
    void arithmeticOnRegistersAndMemory() {
        TestMachine m = new TestMachine(
                "b8 ff ff ff 7f",                 // mov eax, 0x7fffffff
                "83 c0 01",                       // add eax, 1
                "bb 00 20 00 00",                 // mov ebx, 0x2000
                "c7 83 00 01 00 00 78 56 34 12",  // mov dword ptr [ebx+0x100], 0x12345678
                "81 83 00 01 00 00 11 11 11 11",  // add dword ptr [ebx+0x100], 0x11111111
                "80 ab 00 01 00 00 79",           // sub byte ptr [ebx+0x100], 0x79
                "b9 80 00 00 00",                 // mov ecx, 0x80
                "b2 7f",                          // mov dl, 0x7f
                "80 c2 01",                       // add dl, 1
                "83 d1 00",                       // adc ecx, 0
                "66 0d 00 ff",                    // or ax, 0xff00
                "f4");
        m.cpu.run(2);
        assertEquals(0x8000_0000, m.eax());
        assertEquals(OF | SF | AF | PF, m.arith(), "0x7fffffff + 1: overflow, sign, half carry, even parity");
        m.runToHalt();
        assertEquals(0x2345_6710, m.read32(0x2100));
        assertEquals(0x80, m.edx() & 0xFF);
        assertEquals(0x80, m.ecx(), "adc adds the CF left clear by 0x7f + 1");
        assertEquals(0x8000_ff00, m.eax(), "a 16-bit OR leaves the upper half alone");
        assertEquals(SF | PF, m.arith() & ~AF, "or ax: SF from bit 15, parity of 0x00 even, CF = OF = 0");
    }

    @Test
    void multiplyDivideAndExtensions() {
        TestMachine m = new TestMachine(
                "b8 78 56 34 12",        // mov eax, 0x12345678
                "bb 10 00 00 00",        // mov ebx, 0x10
                "f7 e3",                 // mul ebx
                "89 c1",                 // mov ecx, eax
                "89 d7",                 // mov edi, edx
                "b8 f9 ff ff ff",        // mov eax, -7
                "bb 02 00 00 00",        // mov ebx, 2
                "99",                    // cdq
                "f7 fb",                 // idiv ebx
                "6b f1 fd",              // imul esi, ecx, -3
                "0f b6 2d 00 20 00 00",  // movzx ebp, byte ptr [0x2000]
                "f4");
        m.write32(0x2000, 0x8081);
        m.cpu.run(5);
        assertEquals(0x2345_6780, m.ecx());
        assertEquals(1, m.edi());
        assertEquals(CF | OF, m.arith() & (CF | OF));
        m.runToHalt();
        assertEquals(-3, m.eax(), "-7 / 2 truncates toward zero");
        assertEquals(-1, m.edx(), "remainder takes the dividend's sign");
        assertEquals(0x962f_c980, m.esi());
        assertEquals(0x81, m.ebp());
    }

    @Test
    void divideByZeroRaisesDeWithEipAtTheDivide() {
        TestMachine m = new TestMachine(
                "b8 05 00 00 00", // mov eax, 5
                "31 db",          // xor ebx, ebx
                "f7 f3",          // div ebx
                "f4").withIdt();
        m.runToHalt();
        assertEquals(CpuException.DE, m.vector());
        assertEquals(TestMachine.CODE + 7, m.read32(m.esp()), "#DE is a fault: the pushed EIP is the DIV");
        assertEquals(5, m.eax(), "a faulting DIV changes no register");
    }

    @Test
    void bitOperationsReachBeyondTheOperandWithARegisterOffset() {
        TestMachine m = new TestMachine(
                "b8 23 00 00 00",       // mov eax, 35
                "0f ab 05 00 20 00 00", // bts dword ptr [0x2000], eax
                "0f ba 2d 00 20 00 00 03", // bts dword ptr [0x2000], 3
                "b9 00 80 00 00",       // mov ecx, 0x8000
                "0f bc d1",             // bsf edx, ecx
                "0f bd f1",             // bsr esi, ecx
                "f4").runToHalt();
        assertEquals(8, m.read32(0x2004), "bit 35 of the dword at 0x2000 is bit 3 of the next dword");
        assertEquals(8, m.read32(0x2000));
        assertEquals(15, m.edx());
        assertEquals(15, m.esi());
    }

    @Test
    void cmpxchgXaddAndBswap() {
        TestMachine m = new TestMachine(
                "b8 05 00 00 00",          // mov eax, 5
                "b9 09 00 00 00",          // mov ecx, 9
                "f0 0f b1 0d 00 20 00 00", // lock cmpxchg dword ptr [0x2000], ecx
                "89 c2",                   // mov edx, eax
                "0f b1 0d 00 20 00 00",    // cmpxchg dword ptr [0x2000], ecx
                "bb 03 00 00 00",          // mov ebx, 3
                "0f c1 1d 04 20 00 00",    // xadd dword ptr [0x2004], ebx
                "be 11 22 33 44",          // mov esi, 0x44332211
                "0f ce",                   // bswap esi
                "f4");
        m.write32(0x2000, 7);
        m.write32(0x2004, 40);
        m.runToHalt();
        assertEquals(7, m.edx(), "first compare fails (5 != 7): EAX gets the memory value");
        assertEquals(9, m.read32(0x2000), "second compare succeeds (7 == 7): memory gets ECX");
        assertEquals(0, m.arith() & ZF, "the last flag writer is xadd: 40 + 3 is not zero");
        assertEquals(43, m.read32(0x2004));
        assertEquals(40, m.ebx());
        assertEquals(0x1122_3344, m.esi());
    }

    @Test
    void setccCmovccAndLahf() {
        TestMachine m = new TestMachine(
                "b8 01 00 00 00",  // mov eax, 1
                "83 f8 02",        // cmp eax, 2
                "0f 9c c3",        // setl bl
                "0f 97 c7",        // seta bh
                "b9 aa 00 00 00",  // mov ecx, 0xaa
                "0f 42 d1",        // cmovb edx, ecx
                "0f 43 f1",        // cmovae esi, ecx
                "9f",              // lahf
                "f4").runToHalt();
        assertEquals(0x0001, m.ebx() & 0xFFFF, "1 < 2 signed (bl = 1); 1 above 2 unsigned is false (bh = 0)");
        assertEquals(0xaa, m.edx());
        assertEquals(0, m.esi());
        // 1 - 2 = 0xffffffff: SF, PF (0xff has eight ones), AF (borrow from bit 4), CF; bit 1 always set
        assertEquals(SF | AF | PF | CF | 2, (m.eax() >> 8) & 0xFF);
    }
}
