package io.denalij.cpu.system;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import io.denalij.cpu.Segment;
import org.junit.jupiter.api.Test;

import static io.denalij.cpu.system.Machine.*;
import static org.junit.jupiter.api.Assertions.*;

class FarTransferTest {
    private final Machine m = new Machine();

    @Test
    void realModeJumpCallAndReturn() {
        m.s.seg[Segment.SS].loadReal(0);
        m.s.gpr[CpuState.ESP] = 0x7000;
        m.sys.callFar(0x1234, 0x5678, 2, 0xABCD);
        assertEquals(0x12340, m.s.seg[Segment.CS].base);
        assertEquals(0x5678, m.s.eip);
        assertEquals(0x6FFC, m.esp());
        assertEquals(0xABCD, m.ram.read16(0x6FFC));
        assertEquals(0xF000, m.ram.read16(0x6FFE), "reset CS pushed");
        m.sys.returnFar(2, 6);
        assertEquals(0xF000, m.s.seg[Segment.CS].selector);
        assertEquals(0xABCD, m.s.eip);
        assertEquals(0x7006, m.esp(), "RETF 6 releases the parameters");
        m.sys.jumpFar(0x0000, 0x7C00, 2);
        assertEquals(0, m.s.seg[Segment.CS].base);
        assertEquals(0x7C00, m.s.eip);
        assertEquals(0, m.s.cpl);
    }

    @Test
    void enteringProtectedModeWithAFarJump() {
        m.protectedMode();
        assertEquals(CODE0, m.s.seg[Segment.CS].selector);
        assertTrue(m.s.code32());
        assertEquals(0xFFFF_FFFF, m.s.seg[Segment.CS].limit);
        assertEquals(0x100, m.s.eip);
        assertEquals(0, m.s.cpl);
        assertEquals(0x9B, m.ram.read8(GDT + CODE0 + 5), "accessed bit set");
    }

    @Test
    void jumpChecks() {
        m.protectedMode();
        m.gdt(0x50, 0, 0xFFFF, CODE & ~PRESENT, 0);
        m.gdt(0x58, 0, 0xFFF, CODE, 0);
        m.assertFault(CpuException.GP, 0, () -> m.sys.jumpFar(0, 0, 4));
        m.assertFault(CpuException.GP, CODE3 & ~3, () -> m.sys.jumpFar(CODE3, 0, 4));  // DPL 3 != CPL 0
        m.assertFault(CpuException.GP, DATA0, () -> m.sys.jumpFar(DATA0, 0, 4));      // not code
        m.assertFault(CpuException.NP, 0x50, () -> m.sys.jumpFar(0x50, 0, 4));
        m.assertFault(CpuException.GP, 0, () -> m.sys.jumpFar(0x58, 0x1000, 4));      // beyond the limit
        m.sys.jumpFar(0x58, 0x10FFF, 2);                                               // 16-bit offset: 0x0FFF
        assertEquals(0x0FFF, m.s.eip);
        assertFalse(m.s.code32());
    }

    @Test
    void jumpToAConformingSegmentKeepsCpl() {
        m.protectedMode().ring3(0x1000, STACK3);
        m.gdt(0x50, 0, 0xFFFFF, 0x9E, G | DB);                                         // conforming, DPL 0
        m.sys.jumpFar(0x50, 0x2000, 4);
        assertEquals(0x53, m.s.seg[Segment.CS].selector, "RPL becomes CPL");
        assertEquals(3, m.s.cpl);
        assertEquals(0x2000, m.s.eip);
    }

    @Test
    void taskSwitchTargetsFailLoudly() {
        m.protectedMode();
        m.gdt(0x50, 0x5000, 0x67, 0x89, 0);
        CpuException e = m.assertFault(CpuException.GP, 0x50, () -> m.sys.jumpFar(0x50, 0, 4));
        assertTrue(e.getMessage().contains("task switching is not implemented"), e.getMessage());
        m.gate(GDT, 0x58, 5, 0, 0x50, 0, 0);
        e = m.assertFault(CpuException.GP, 0x58, () -> m.sys.callFar(0x58, 0, 4, 0));
        assertTrue(e.getMessage().contains("task switching is not implemented"), e.getMessage());
    }

    @Test
    void sameLevelCallPushesCsAndEip() {
        m.protectedMode();
        m.sys.callFar(CODE0, 0x4000, 4, 0x123456);
        assertEquals(STACK0 - 8, m.esp());
        assertEquals(0x123456, m.read32(STACK0 - 8));
        assertEquals(CODE0, m.read32(STACK0 - 4));
        assertEquals(0x4000, m.s.eip);
        m.sys.callFar(CODE0, 0x5000, 2, 0x7777);
        assertEquals(STACK0 - 12, m.esp());
        assertEquals(0x7777, m.ram.read16(STACK0 - 12));
        assertEquals(CODE0, m.ram.read16(STACK0 - 10));
        m.sys.returnFar(2, 0);
        assertEquals(0x7777, m.s.eip);
        m.sys.returnFar(4, 0);
        assertEquals(0x123456, m.s.eip);
        assertEquals(STACK0, m.esp());
    }

    @Test
    void callFaultsOnAFullStackWithoutChangingState() {
        m.protectedMode();
        m.gdt(0x50, 0x20000, 0xFFF, DATA | 4, DB);                    // expand-down: offsets 0x1000.. valid
        m.sys.loadSegment(Segment.SS, 0x50);
        m.s.gpr[CpuState.ESP] = 0x1004;                               // room for one dword only
        m.assertFault(CpuException.SS, 0, () -> m.sys.callFar(CODE0, 0, 4, 0));
        m.s.gpr[CpuState.ESP] = 0x1008;
        m.sys.callFar(CODE0, 0, 4, 0xAA);
        assertEquals(0xAA, m.read32(0x21000));
    }

    /** Ring 3 calls ring 0 through a call gate that copies two dword parameters onto the ring-0 stack. */
    @Test
    void callGateToInnerLevelSwitchesStacksAndCopiesParameters() {
        m.protectedMode();
        m.gate(GDT, 0x48, 12, 3, CODE0, 0xC0DE0000, 2);
        m.ring3(0x1000, STACK3);
        m.push(0x22222222);                                            // parameter 2
        m.push(0x11111111);                                            // parameter 1
        m.sys.callFar(0x4B, 0xDEAD, 4, 0x1005);                       // offset is ignored with a gate
        assertEquals(CODE0, m.s.seg[Segment.CS].selector);
        assertEquals(0, m.s.cpl);
        assertEquals(0xC0DE0000, m.s.eip);
        assertEquals(DATA0, m.s.seg[Segment.SS].selector);
        assertEquals(STACK0 - 24, m.esp());
        int[] expected = {0x1005, CODE3, 0x11111111, 0x22222222, STACK3 - 8, DATA3};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], m.read32(STACK0 - 24 + 4 * i), "frame dword " + i);
        }

        // RETF 8 back to ring 3 releases the parameters on both stacks.
        m.sys.returnFar(4, 8);
        assertEquals(3, m.s.cpl);
        assertEquals(CODE3, m.s.seg[Segment.CS].selector);
        assertEquals(DATA3, m.s.seg[Segment.SS].selector);
        assertEquals(0x1005, m.s.eip);
        assertEquals(STACK3, m.esp());
    }

    @Test
    void sixteenBitCallGateCopiesWords() {
        m.protectedMode();
        m.gate(GDT, 0x48, 4, 3, CODE0, 0x2345, 1);
        m.ring3(0x1000, STACK3);
        m.mem.push16(0xBEEF);
        m.sys.callFar(0x4B, 0, 2, 0x1005);
        assertEquals(0x2345, m.s.eip);
        assertEquals(STACK0 - 10, m.esp());
        int[] expected = {0x1005, CODE3, 0xBEEF, STACK3 - 2, DATA3};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], m.ram.read16(STACK0 - 10 + 2 * i), "frame word " + i);
        }
    }

    @Test
    void callGateChecks() {
        m.protectedMode();
        m.gate(GDT, 0x48, 12, 0, CODE0, 0x1000, 0);                  // DPL 0 gate
        m.gate(GDT, 0x50, 12, 3, CODE0, 0x1000, 0);
        m.ram.write8(GDT + 0x50 + 5, m.ram.read8(GDT + 0x50 + 5) & 0x7F); // not present
        m.gate(GDT, 0x58, 12, 3, DATA0, 0x1000, 0);                  // target not code
        m.gate(GDT, 0x60, 12, 3, 0, 0x1000, 0);                      // null target
        m.ring3(0x1000, STACK3);
        m.assertFault(CpuException.GP, 0x48, () -> m.sys.callFar(0x4B, 0, 4, 0));
        m.assertFault(CpuException.NP, 0x50, () -> m.sys.callFar(0x53, 0, 4, 0));
        m.assertFault(CpuException.GP, DATA0, () -> m.sys.callFar(0x5B, 0, 4, 0));
        m.assertFault(CpuException.GP, 0, () -> m.sys.callFar(0x63, 0, 4, 0));
    }

    @Test
    void innerStackFaultsLeaveStateUnchanged() {
        m.protectedMode();
        m.gate(GDT, 0x48, 12, 3, CODE0, 0x1000, 3);
        m.gdt(0x50, 0, 0xFFFFF, DATA & ~PRESENT, G | DB);
        m.ring3(0x1000, STACK3);
        m.ram.write32(TSS + 8, 0x50);
        m.assertFault(CpuException.SS, 0x50, () -> m.sys.callFar(0x4B, 0, 4, 0));  // new SS not present
        m.ram.write32(TSS + 8, DATA3);
        m.assertFault(CpuException.TS, DATA3 & ~3, () -> m.sys.callFar(0x4B, 0, 4, 0)); // RPL/DPL 3 != 0
        m.ram.write32(TSS + 8, 0);
        m.assertFault(CpuException.TS, 0, () -> m.sys.callFar(0x4B, 0, 4, 0));     // null SS0
        m.ram.write32(TSS + 8, DATA0);
        m.gdt(DATA0, 0, 0x8FF0, DATA, DB);                            // ring-0 stack limit too small for the frame
        m.assertFault(CpuException.SS, DATA0, () -> m.sys.callFar(0x4B, 0, 4, 0));
        m.gdt(DATA0, 0, 0xFFFFF, DATA, G | DB);
        m.gdt(TSS_SEL, TSS, 8, 0x8B, 0);                              // busy TSS cut short: no room for ESP0/SS0
        m.s.tr.limit = 8;
        m.assertFault(CpuException.TS, TSS_SEL, () -> m.sys.callFar(0x4B, 0, 4, 0));
    }

    @Test
    void returnToOuterLevelNullsDataSegmentsItMayNotUse() {
        m.protectedMode();
        m.gdt(0x50, 0, 0xFFFFF, 0x9E, G | DB);                        // conforming code, DPL 0: survives
        m.sys.loadSegment(Segment.DS, DATA0);
        m.sys.loadSegment(Segment.ES, DATA3);
        m.sys.loadSegment(Segment.FS, 0x50);
        m.sys.loadSegment(Segment.GS, DATA1);
        m.push(DATA3);
        m.push(0x7000);
        m.push(CODE3);
        m.push(0x4444);
        m.sys.returnFar(4, 0);
        assertEquals(3, m.s.cpl);
        assertEquals(0x4444, m.s.eip);
        assertEquals(0x7000, m.esp());
        assertEquals(0, m.s.seg[Segment.DS].selector);
        assertFalse(m.s.seg[Segment.DS].readable);
        assertEquals(DATA3, m.s.seg[Segment.ES].selector);
        assertEquals(0x50, m.s.seg[Segment.FS].selector);
        assertEquals(0, m.s.seg[Segment.GS].selector);
    }

    @Test
    void returnChecks() {
        m.protectedMode();
        m.push(DATA3);
        m.push(0x7000);
        m.push(CODE3 & ~3);                                           // RPL 0 but DPL 3
        m.push(0x4444);
        m.assertFault(CpuException.GP, CODE3 & ~3, () -> m.sys.returnFar(4, 0));
        m.ram.write32(m.esp() + 4, CODE3);
        m.ram.write32(m.esp() + 12, DATA0);                           // SS RPL 0 != CS RPL 3
        m.assertFault(CpuException.GP, DATA0, () -> m.sys.returnFar(4, 0));
        m.ram.write32(m.esp() + 12, 0);
        m.assertFault(CpuException.GP, 0, () -> m.sys.returnFar(4, 0));
        m.ram.write32(m.esp() + 12, DATA3);
        m.gdt(DATA3, 0, 0xFFFFF, dpl(DATA, 3) & ~PRESENT, G | DB);
        m.assertFault(CpuException.SS, DATA3 & ~3, () -> m.sys.returnFar(4, 0));
    }
}
