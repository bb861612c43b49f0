package io.denalij.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** 16-bit real-mode code: segment arithmetic, 16-bit addressing, INT through the IVT and IRET. */
class RealModeTest {
    @Test
    void segmentsAddressingAndSoftwareInterrupt() {
        CpuState s = Cpus.real(0x0000, 0x7c00, 0x0000, 0x7000);
        TestMachine m = new TestMachine(s);
        m.load(0x7c00, TestMachine.bytes(
                "b8 34 12", // mov ax, 0x1234
                "8e d8",    // mov ds, ax
                "bb 10 00", // mov bx, 0x10
                "be 02 00", // mov si, 2
                "89 40 04", // mov word ptr [bx+si+4], ax   -> linear 0x12340 + 0x16
                "cd 21",    // int 0x21
                "8b 48 04", // mov cx, word ptr [bx+si+4]
                "51",       // push cx
                "5a",       // pop dx
                "f4"));     // hlt
        m.load(0x8000, TestMachine.bytes("bf 77 00", "cf")); // handler: mov di, 0x77 ; iret
        m.write32(0x21 * 4, 0x0000_8000); // IVT entry 0x21 -> 0000:8000
        m.runToHalt();
        assertEquals(0x1234, m.read32(0x12356) & 0xFFFF);
        assertEquals(0x1234, m.ecx() & 0xFFFF);
        assertEquals(0x1234, m.edx() & 0xFFFF);
        assertEquals(0x77, m.edi());
        assertEquals(0x7000, m.esp(), "INT/IRET and PUSH/POP balanced on SS:SP");
        assertEquals(0x7c00 + 22, m.s.eip, "after the HLT");
    }
}
