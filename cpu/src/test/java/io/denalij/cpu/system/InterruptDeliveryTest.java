package io.denalij.cpu.system;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import io.denalij.cpu.Segment;
import org.junit.jupiter.api.Test;

import static io.denalij.cpu.system.Machine.*;
import static org.junit.jupiter.api.Assertions.*;

class InterruptDeliveryTest {
    private static final int INT_GATE32 = 14, TRAP_GATE32 = 15, INT_GATE16 = 6;
    private final Machine m = new Machine();

    private void assertFrame(int top, int... dwords) {
        for (int i = 0; i < dwords.length; i++) {
            assertEquals(Integer.toHexString(dwords[i]), Integer.toHexString(m.read32(top + 4 * i)), "frame dword " + i);
        }
    }

    @Test
    void iretFromRing0ToRing3() {
        m.protectedMode();
        m.push(DATA3);
        m.push(0x7FF0);
        m.push(0x3202);                                   // IF and IOPL 3, set by ring 0
        m.push(CODE3);
        m.push(0x1000);
        m.sys.iret(4);
        assertEquals(3, m.s.cpl);
        assertEquals(CODE3, m.s.seg[Segment.CS].selector);
        assertEquals(DATA3, m.s.seg[Segment.SS].selector);
        assertEquals(0x7FF0, m.esp());
        assertEquals(0x1000, m.s.eip);
        assertEquals(0x3202, m.eflags());
        for (int i : new int[] {Segment.DS, Segment.ES, Segment.FS, Segment.GS}) {
            assertEquals(0, m.s.seg[i].selector, Segment.NAMES[i] + " (DPL 0) is nulled for ring 3");
        }
    }

    @Test
    void intFromRing3SwitchesToTheTssStackAndIretReturns() {
        m.protectedMode();
        m.idtGate(0x80, INT_GATE32, 3, CODE0, 0x5000);
        m.push(DATA3);
        m.push(STACK3);
        m.push(0x302 | CpuState.NT);                      // IF, TF, NT
        m.push(CODE3);
        m.push(0x1000);
        m.sys.iret(4);
        assertEquals(0x302 | CpuState.NT, m.eflags());

        m.sys.deliver(0x80, -1, SystemUnit.KIND_SOFTWARE, 0x1002);
        assertEquals(0, m.s.cpl);
        assertEquals(CODE0, m.s.seg[Segment.CS].selector);
        assertEquals(0x5000, m.s.eip);
        assertEquals(DATA0, m.s.seg[Segment.SS].selector);
        assertEquals(STACK0 - 20, m.esp());
        assertFrame(STACK0 - 20, 0x1002, CODE3, 0x302 | CpuState.NT, STACK3, DATA3);
        assertEquals(0x002, m.eflags(), "interrupt gate clears IF, and TF and NT always");

        m.s.eflags &= ~CpuState.NT;                        // a nested-task IRET is not implemented
        m.sys.iret(4);
        assertEquals(3, m.s.cpl);
        assertEquals(0x1002, m.s.eip);
        assertEquals(STACK3, m.esp());
        assertEquals(DATA3, m.s.seg[Segment.SS].selector);
        assertEquals(0x302 | CpuState.NT, m.eflags());
    }

    @Test
    void exceptionFromRing3PushesErrorCodeThroughTrapGate() {
        m.protectedMode();
        m.idtGate(13, TRAP_GATE32, 0, CODE0, 0x6000);
        m.ring3(0x1000, STACK3);
        m.sys.deliver(13, 0x58, SystemUnit.KIND_EXCEPTION, 0x1000);  // no DPL check for exceptions
        assertEquals(STACK0 - 24, m.esp());
        assertFrame(STACK0 - 24, 0x58, 0x1000, CODE3, 0x202, STACK3, DATA3);
        assertEquals(0x202, m.eflags(), "trap gate keeps IF");
        assertEquals(0x6000, m.s.eip);
    }

    @Test
    void sameLevelInterruptUsesTheCurrentStack() {
        m.protectedMode();
        m.idtGate(14, INT_GATE32, 0, CODE0, 0x7000);
        m.s.eflags |= CpuState.IF;
        m.sys.deliver(14, 6, SystemUnit.KIND_EXCEPTION, 0x1234);
        assertEquals(DATA0, m.s.seg[Segment.SS].selector);
        assertEquals(STACK0 - 16, m.esp());
        assertFrame(STACK0 - 16, 6, 0x1234, CODE0, 0x202);
        assertEquals(0x002, m.eflags());
        m.mem.adjustSp(4);                                            // the handler pops the error code
        m.sys.iret(4);
        assertEquals(0x1234, m.s.eip);
        assertEquals(0x202, m.eflags());
        assertEquals(STACK0, m.esp());
    }

    @Test
    void sixteenBitGatePushesWords() {
        m.protectedMode();
        m.idtGate(0x30, INT_GATE16, 0, CODE0, 0x12345678);           // 16-bit gate: offset 0x5678
        m.sys.deliver(0x30, -1, SystemUnit.KIND_EXTERNAL, 0x4321);
        assertEquals(0x5678, m.s.eip);
        assertEquals(STACK0 - 6, m.esp());
        assertEquals(0x4321, m.ram.read16(STACK0 - 6));
        assertEquals(CODE0, m.ram.read16(STACK0 - 4));
        assertEquals(0x0002, m.ram.read16(STACK0 - 2));
    }

    @Test
    void gateChecksHaveIdtErrorCodesWithExt() {
        m.protectedMode();
        m.idtGate(0x80, INT_GATE32, 0, CODE0, 0x5000);
        m.idtGate(0x81, INT_GATE32, 3, CODE0, 0x5000);
        m.ram.write8(IDT + 0x81 * 8 + 5, 0x6E);                         // not present
        m.gate(IDT, 0x82 * 8, 12, 3, CODE0, 0x5000, 0);                 // a call gate is not valid in the IDT
        m.idtGate(0x83, INT_GATE32, 3, 0, 0x5000);                      // null code selector
        m.idtGate(0x84, INT_GATE32, 3, 0x50, 0x5000);
        m.gdt(0x50, 0, 0xFFFFF, CODE & ~PRESENT, G | DB);
        m.idtGate(0x85, INT_GATE32, 3, DATA0, 0x5000);                  // target is not code
        m.idtGate(0x86, INT_GATE32, 3, CODE0, 0x5000);
        m.ring3(0x1000, STACK3);
        m.assertFault(CpuException.GP, 0x80 * 8 + 2, () -> m.sys.deliver(0x80, -1, SystemUnit.KIND_SOFTWARE, 0));
        m.assertFault(CpuException.GP, 0x80 * 8 + 2, () -> m.sys.deliver(0x80, -1, SystemUnit.KIND_BREAKPOINT, 0));
        m.assertFault(CpuException.NP, 0x81 * 8 + 2, () -> m.sys.deliver(0x81, -1, SystemUnit.KIND_SOFTWARE, 0));
        m.assertFault(CpuException.NP, 0x81 * 8 + 3, () -> m.sys.deliver(0x81, -1, SystemUnit.KIND_EXTERNAL, 0));
        m.assertFault(CpuException.GP, 0x82 * 8 + 3, () -> m.sys.deliver(0x82, 0, SystemUnit.KIND_EXCEPTION, 0));
        m.assertFault(CpuException.GP, 1, () -> m.sys.deliver(0x83, -1, SystemUnit.KIND_EXTERNAL, 0));
        m.assertFault(CpuException.GP, 0, () -> m.sys.deliver(0x83, -1, SystemUnit.KIND_SOFTWARE, 0));
        m.assertFault(CpuException.NP, 0x51, () -> m.sys.deliver(0x84, -1, SystemUnit.KIND_EXTERNAL, 0));
        m.assertFault(CpuException.GP, DATA0 | 1, () -> m.sys.deliver(0x85, -1, SystemUnit.KIND_EXTERNAL, 0));
        m.s.idtrLimit = 0x86 * 8 + 6;                                    // entry 0x86 cut short by one byte
        m.assertFault(CpuException.GP, 0x86 * 8 + 3, () -> m.sys.deliver(0x86, -1, SystemUnit.KIND_EXTERNAL, 0));
        m.s.idtrLimit = 0x86 * 8 + 7;
        m.sys.deliver(0x86, -1, SystemUnit.KIND_EXTERNAL, 0);            // an external interrupt ignores the gate DPL
        assertEquals(0, m.s.cpl);
    }

    @Test
    void taskGateFailsLoudly() {
        m.protectedMode();
        m.gate(IDT, 8 * 8, 5, 0, TSS_SEL, 0, 0);
        CpuException e = m.assertFault(CpuException.GP, TSS_SEL | 1, () -> m.sys.deliver(8, 0, SystemUnit.KIND_EXCEPTION, 0));
        assertTrue(e.getMessage().contains("task switching is not implemented"), e.getMessage());
    }

    @Test
    void faultsOnTheNewStackLeaveStateUnchanged() {
        m.protectedMode();
        m.idtGate(0x20, INT_GATE32, 3, CODE0, 0x5000);
        m.gdt(0x50, 0, 0xFFFFF, DATA & ~PRESENT, G | DB);
        m.ring3(0x1000, STACK3);
        m.ram.write32(TSS + 8, 0x50);
        m.assertFault(CpuException.SS, 0x51, () -> m.sys.deliver(0x20, -1, SystemUnit.KIND_EXTERNAL, 0x1000));
        m.assertFault(CpuException.SS, 0x50, () -> m.sys.deliver(0x20, -1, SystemUnit.KIND_SOFTWARE, 0x1000));
        m.ram.write32(TSS + 8, CODE0);
        m.assertFault(CpuException.TS, CODE0 | 1, () -> m.sys.deliver(0x20, -1, SystemUnit.KIND_EXTERNAL, 0x1000));
        m.ram.write32(TSS + 8, DATA0);
        m.gdt(DATA0, 0, 0xFFFFF, DATA, DB);                              // a 1 MiB ring-0 stack segment
        m.ram.write32(TSS + 4, 16);                                      // ESP0 = 16: room for 4 of the 5 dwords
        m.assertFault(CpuException.SS, DATA0 | 1, () -> m.sys.deliver(0x20, -1, SystemUnit.KIND_EXTERNAL, 0x1000));
        m.ram.write32(TSS + 4, 20);
        m.sys.deliver(0x20, -1, SystemUnit.KIND_EXTERNAL, 0x1000);
        assertEquals(0, m.esp());
    }

    @Test
    void handlerEipBeyondTheCodeLimitIsGpWithExt() {
        m.protectedMode();
        m.gdt(0x50, 0, 0xFFFF, CODE, DB);
        m.idtGate(0x20, INT_GATE32, 0, 0x50, 0x10000);
        m.assertFault(CpuException.GP, 1, () -> m.sys.deliver(0x20, -1, SystemUnit.KIND_EXTERNAL, 0));
    }

    @Test
    void realModeIntAndIretUseTheIvt() {
        m.s.seg[Segment.SS].loadReal(0x0100);
        m.s.gpr[CpuState.ESP] = 0x0200;
        m.s.seg[Segment.CS].loadReal(0x2000);
        m.s.eflags = 0x0302;                                             // IF, TF
        m.ram.write16(0x21 * 4, 0x1111);
        m.ram.write16(0x21 * 4 + 2, 0x3000);
        m.sys.deliver(0x21, 5, SystemUnit.KIND_SOFTWARE, 0x0456);        // error codes are never pushed in real mode
        assertEquals(0x3000, m.s.seg[Segment.CS].selector);
        assertEquals(0x30000, m.s.seg[Segment.CS].base);
        assertEquals(0x1111, m.s.eip);
        assertEquals(0x01FA, m.esp());
        assertEquals(0x0456, m.ram.read16(0x11FA));
        assertEquals(0x2000, m.ram.read16(0x11FC));
        assertEquals(0x0302, m.ram.read16(0x11FE));
        assertEquals(0x0002, m.eflags());
        m.sys.iret(2);
        assertEquals(0x2000, m.s.seg[Segment.CS].selector);
        assertEquals(0x0456, m.s.eip);
        assertEquals(0x0302, m.eflags());
        assertEquals(0x0200, m.esp());
    }

    @Test
    void realModeIvtLimitAndStackLimit() {
        m.sys.lidt(0, 0x83);                                             // vectors 0..0x20 only
        m.s.seg[Segment.SS].loadReal(0);
        m.s.gpr[CpuState.ESP] = 0x100;
        m.assertFault(CpuException.GP, 0, () -> m.sys.deliver(0x21, -1, SystemUnit.KIND_SOFTWARE, 0));
        m.s.gpr[CpuState.ESP] = 0x0004;                                  // 6 bytes wrap below 0: SP 0xFFFE... fine
        m.s.seg[Segment.SS].limit = 0xFFF;                               // but not with a 4 KiB limit
        m.assertFault(CpuException.SS, 0, () -> m.sys.deliver(0x20, -1, SystemUnit.KIND_SOFTWARE, 0));
    }

    @Test
    void iretAtRing3CannotChangeIfOrIopl() {
        m.protectedMode().ring3(0x1000, STACK3);
        m.push(0x3000 | CpuState.DF);                                    // tries IOPL 3, IF 0, sets DF
        m.push(CODE3);
        m.push(0x2000);
        m.sys.iret(4);
        assertEquals(0x202 | CpuState.DF, m.eflags());
        assertEquals(0x2000, m.s.eip);
    }

    @Test
    void iretWithNestedTaskFailsLoudly() {
        m.protectedMode();
        m.ram.write16(TSS, 0x58);                                        // back link
        m.s.eflags |= CpuState.NT;
        CpuException e = m.assertFault(CpuException.GP, 0x58, () -> m.sys.iret(4));
        assertTrue(e.getMessage().contains("task switching is not implemented"), e.getMessage());
    }

    /** IRET from ring 0 into virtual-8086 mode, then an interrupt back out through the ring-0 stack. */
    @Test
    void virtual8086RoundTrip() {
        m.protectedMode();
        m.idtGate(0x20, INT_GATE32, 0, CODE0, 0x5000);
        int[] frame = {0x0100, 0x1000, CpuState.VM | 0x3202, 0x0FFE, 0x2000, 0x3000, 0x4000, 0x5000, 0x6000};
        for (int i = frame.length - 1; i >= 0; i--) m.push(frame[i]);  // EIP, CS, EFLAGS, ESP, SS, ES, DS, FS, GS
        m.sys.iret(4);
        assertTrue(m.s.v86());
        assertEquals(3, m.s.cpl);
        assertEquals(0x10000, m.s.seg[Segment.CS].base);
        assertEquals(0x0100, m.s.eip);
        assertEquals(0x20000, m.s.seg[Segment.SS].base);
        assertEquals(0x0FFE, m.esp());
        assertEquals(0x30000, m.s.seg[Segment.ES].base);
        assertEquals(0x60000, m.s.seg[Segment.GS].base);

        m.sys.deliver(0x20, -1, SystemUnit.KIND_EXTERNAL, 0x0102);
        assertFalse(m.s.v86());
        assertEquals(0, m.s.cpl);
        assertEquals(STACK0 - 36, m.esp());
        assertFrame(STACK0 - 36, 0x0102, 0x1000, CpuState.VM | 0x3202, 0x0FFE, 0x2000, 0x3000, 0x4000, 0x5000, 0x6000);
        for (int i : new int[] {Segment.DS, Segment.ES, Segment.FS, Segment.GS}) assertEquals(0, m.s.seg[i].selector);
        assertEquals(0x3002, m.eflags());

        m.sys.iret(4);                                                  // and back into the same V86 task
        assertTrue(m.s.v86());
        assertEquals(0x0102, m.s.eip);
        assertEquals(0x40000, m.s.seg[Segment.DS].base);
    }

    @Test
    void intNInVirtual8086ModeIsIoplSensitive() {
        m.protectedMode();
        m.idtGate(0x21, INT_GATE32, 3, CODE0, 0x5000);
        m.idtGate(3, INT_GATE32, 3, CODE0, 0x5000);
        int[] frame = {0x0100, 0x1000, CpuState.VM | 0x0202, 0x0FFE, 0x2000, 0, 0, 0, 0};
        for (int i = frame.length - 1; i >= 0; i--) m.push(frame[i]);
        m.sys.iret(4);
        m.assertFault(CpuException.GP, 0, () -> m.sys.deliver(0x21, -1, SystemUnit.KIND_SOFTWARE, 0x102));
        m.assertFault(CpuException.GP, 0, () -> m.sys.iret(2));          // IRET too, with IOPL < 3
        m.sys.deliver(3, -1, SystemUnit.KIND_BREAKPOINT, 0x101);          // INT3 is not
        assertEquals(0x5000, m.s.eip);
    }
}
