package io.denalij.cpu.system;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import org.junit.jupiter.api.Test;

import static io.denalij.cpu.system.Machine.*;
import static org.junit.jupiter.api.Assertions.*;

class IoAndTableRegistersTest {
    private static final int BITMAP = TSS + 0x68;
    private final Machine m = new Machine();

    @Test
    void ioIsFreeInRealModeAndWhenCplIsAtMostIopl() {
        m.sys.checkIo(0x3F8, 1);
        assertTrue(m.sys.cliStiAllowed());
        m.protectedMode();
        m.ram.write8(BITMAP + (0x3F8 >> 3), 0xFF);
        m.sys.checkIo(0x3F8, 1);                                    // CPL 0 <= IOPL 0: the bitmap is not consulted
        assertTrue(m.sys.cliStiAllowed());
    }

    @Test
    void ring3UsesTheBitmap() {
        m.protectedMode();
        m.ram.write8(BITMAP + (0x3F8 >> 3), 0x02);                   // port 0x3F9 denied
        m.ring3(0x1000, STACK3);
        assertFalse(m.sys.cliStiAllowed());
        m.sys.checkIo(0x3F8, 1);
        m.assertFault(CpuException.GP, 0, () -> m.sys.checkIo(0x3F8, 2));
        m.assertFault(CpuException.GP, 0, () -> m.sys.checkIo(0x3F9, 1));
        m.sys.checkIo(0x3FA, 4);
        m.ram.write8(BITMAP + 0x80, 0x01);                            // port 0x400
        m.assertFault(CpuException.GP, 0, () -> m.sys.checkIo(0x3FE, 4)); // range crossing into the next byte
        m.assertFault(CpuException.GP, 0, () -> m.sys.checkIo(0xFFFF, 1)); // second byte beyond the TSS limit
        m.s.tr.limit = 0x68 + 0x10;                                    // bitmap covers ports 0..0x7F only
        m.sys.checkIo(0x70, 1);
        m.assertFault(CpuException.GP, 0, () -> m.sys.checkIo(0x80, 1));
    }

    @Test
    void ioplThreeOpensEverythingButV86StillUsesTheBitmap() {
        m.protectedMode();
        m.ram.write8(BITMAP, 0x01);                                   // port 0
        m.push(DATA3);
        m.push(STACK3);
        m.push(0x3202);
        m.push(CODE3);
        m.push(0x1000);
        m.sys.iret(4);
        m.sys.checkIo(0, 1);
        assertTrue(m.sys.cliStiAllowed());
        m.s.eflags |= CpuState.VM;
        m.assertFault(CpuException.GP, 0, () -> m.sys.checkIo(0, 1));
        m.sys.checkIo(1, 1);
        assertTrue(m.sys.cliStiAllowed());
    }

    @Test
    void sixteenBitTssHasNoBitmap() {
        m.protectedMode();
        m.gdt(0x50, TSS, 0x2B, 0x81, 0);
        m.sys.ltr(0x50);
        m.ring3(0x1000, STACK3);
        m.assertFault(CpuException.GP, 0, () -> m.sys.checkIo(0x80, 1));
    }

    @Test
    void ltrMarksTheTssBusyAndRejectsBusyOnes() {
        m.protectedMode();
        assertEquals(0x8B, m.ram.read8(GDT + TSS_SEL + 5));
        assertEquals(TSS_SEL, m.s.tr.selector);
        assertEquals(TSS, m.s.tr.base);
        assertEquals(0xB, m.s.tr.attrs & 0xF);
        m.assertFault(CpuException.GP, TSS_SEL, () -> m.sys.ltr(TSS_SEL));
        m.assertFault(CpuException.GP, 0, () -> m.sys.ltr(0));
        m.assertFault(CpuException.GP, DATA0, () -> m.sys.ltr(DATA0));
        m.assertFault(CpuException.GP, 0x0C, () -> m.sys.ltr(0x0C)); // LDT selectors are not allowed
        m.gdt(0x50, TSS, 0x67, 0x09, 0);                             // available TSS, not present
        m.assertFault(CpuException.NP, 0x50, () -> m.sys.ltr(0x50));
    }

    @Test
    void lldtChecks() {
        m.protectedMode();
        assertEquals(LDT, m.s.ldtr.base);
        assertEquals(0x1F, m.s.ldtr.limit);
        m.assertFault(CpuException.GP, DATA0, () -> m.sys.lldt(DATA0));
        m.assertFault(CpuException.GP, 0x34, () -> m.sys.lldt(0x34)); // TI = 1
        m.gdt(0x50, LDT, 0x1F, 0x02, 0);
        m.assertFault(CpuException.NP, 0x50, () -> m.sys.lldt(0x50));
        m.sys.lldt(0);
        assertFalse(m.s.ldtr.present());
        m.ring3(0x1000, STACK3);
        m.assertFault(CpuException.GP, 0, () -> m.sys.lldt(LDT_SEL));
    }

    @Test
    void lgdtAndLidtLoadBaseAndLimit() {
        m.sys.lgdt(0x12345678, 0x1_0FFF);
        assertEquals(0x12345678, m.s.gdtrBase);
        assertEquals(0x0FFF, m.s.gdtrLimit);
        m.sys.lidt(0xABC, 0x3FF);
        assertEquals(0xABC, m.s.idtrBase);
        assertEquals(0x3FF, m.s.idtrLimit);
    }
}
