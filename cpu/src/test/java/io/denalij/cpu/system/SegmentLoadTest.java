package io.denalij.cpu.system;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.Segment;
import org.junit.jupiter.api.Test;

import static io.denalij.cpu.system.Machine.*;
import static org.junit.jupiter.api.Assertions.*;

class SegmentLoadTest {
    private final Machine m = new Machine();

    @Test
    void realModeLoadShiftsSelectorAndKeepsTheCachedLimit() {
        m.s.seg[Segment.DS].limit = 0xFFFF_FFFF; // "unreal" mode: a limit left over from protected mode
        m.sys.loadSegment(Segment.DS, 0x1234);
        assertEquals(0x12340, m.s.seg[Segment.DS].base);
        assertEquals(0x1234, m.s.seg[Segment.DS].selector);
        assertEquals(0xFFFF_FFFF, m.s.seg[Segment.DS].limit);
    }

    @Test
    void protectedModeLoadFillsTheCacheAndSetsTheAccessedBit() {
        m.protectedMode();
        m.gdt(0x50, 0x12345678, 0xABCDE, DATA & ~1, G); // accessed bit clear
        m.sys.loadSegment(Segment.ES, 0x50);
        Segment es = m.s.seg[Segment.ES];
        assertEquals(0x50, es.selector);
        assertEquals(0x12345678, es.base);
        assertEquals(0xABCDEFFF, es.limit, "G scales the limit to bytes");
        assertEquals(0x8093, es.attrs);
        assertEquals(0x93, m.ram.read8(GDT + 0x50 + 5), "accessed bit written back");
        assertTrue(es.readable && es.writable);
    }

    @Test
    void byteGranularSixteenBitSegment() {
        m.protectedMode();
        m.gdt(0x50, 0x20000, 0x1FFF, DATA, 0);
        m.sys.loadSegment(Segment.DS, 0x50);
        assertEquals(0x1FFF, m.s.seg[Segment.DS].limit);
        assertFalse(m.s.seg[Segment.DS].is32());
    }

    @Test
    void nullSelectorIsAllowedForDataSegmentsButNotForSs() {
        m.protectedMode();
        m.sys.loadSegment(Segment.FS, 3);
        assertEquals(3, m.s.seg[Segment.FS].selector);
        assertFalse(m.s.seg[Segment.FS].readable);
        m.assertFault(CpuException.GP, 0, () -> m.sys.loadSegment(Segment.SS, 0));
    }

    @Test
    void stackSegmentChecks() {
        m.protectedMode();
        m.gdt(0x50, 0, 0xFFFF, DATA & ~2, 0);            // read-only data
        m.gdt(0x58, 0, 0xFFFF, DATA & ~PRESENT, 0);      // not present
        m.assertFault(CpuException.GP, DATA3 & ~3, () -> m.sys.loadSegment(Segment.SS, DATA3));  // DPL 3 != CPL 0
        m.assertFault(CpuException.GP, DATA0, () -> m.sys.loadSegment(Segment.SS, DATA0 | 1));   // RPL != CPL
        m.assertFault(CpuException.GP, 0x50, () -> m.sys.loadSegment(Segment.SS, 0x50));
        m.assertFault(CpuException.GP, CODE0, () -> m.sys.loadSegment(Segment.SS, CODE0));
        m.assertFault(CpuException.SS, 0x58, () -> m.sys.loadSegment(Segment.SS, 0x58));
        m.assertFault(CpuException.GP, 0x100, () -> m.sys.loadSegment(Segment.SS, 0x100)); // beyond GDT limit 0xFF
    }

    @Test
    void loadingSsStartsAnInterruptShadow() {
        m.protectedMode();
        assertFalse(m.s.interruptShadow);
        m.sys.loadSegment(Segment.SS, DATA0);
        assertTrue(m.s.interruptShadow);
    }

    @Test
    void dataSegmentPrivilegeAndTypeChecks() {
        m.protectedMode();
        m.gdt(0x50, 0, 0xFFFF, CODE & ~2, 0);            // execute-only code
        m.gdt(0x58, 0, 0xFFFF, DATA & ~PRESENT, 0);
        m.gdt(0x60, 0, 0xFFFF, 0x9E, 0);                 // readable conforming code, DPL 0
        m.gdt(0x68, 0, 0xFFFF, CODE, 0);                 // readable non-conforming code, DPL 0
        m.assertFault(CpuException.GP, 0x50, () -> m.sys.loadSegment(Segment.DS, 0x50));
        m.assertFault(CpuException.NP, 0x58, () -> m.sys.loadSegment(Segment.DS, 0x58));
        m.assertFault(CpuException.GP, DATA0, () -> m.sys.loadSegment(Segment.DS, DATA0 | 3)); // RPL 3 > DPL 0
        m.assertFault(CpuException.GP, TSS_SEL, () -> m.sys.loadSegment(Segment.DS, TSS_SEL)); // system segment
        m.sys.loadSegment(Segment.DS, 0x68);
        assertTrue(m.s.seg[Segment.DS].readable);
        assertFalse(m.s.seg[Segment.DS].writable);

        m.ring3(0x1000, STACK3);
        m.assertFault(CpuException.GP, DATA0, () -> m.sys.loadSegment(Segment.DS, DATA0));    // CPL 3 > DPL 0
        m.assertFault(CpuException.GP, 0x68, () -> m.sys.loadSegment(Segment.DS, 0x6B));
        m.sys.loadSegment(Segment.DS, 0x63);                                                    // conforming: allowed
        assertEquals(0x63, m.s.seg[Segment.DS].selector);
    }

    @Test
    void ldtSelectorsUseTheLdtAndItsLimit() {
        m.protectedMode();
        m.descriptor(LDT, 0x8, 0x70000, 0xFFF, dpl(DATA, 3), 0);
        m.sys.loadSegment(Segment.GS, 0x0F);                      // LDT entry 1, RPL 3
        assertEquals(0x70000, m.s.seg[Segment.GS].base);
        assertEquals(0x93 | 0x60, m.ram.read8(LDT + 8 + 5));
        m.assertFault(CpuException.GP, 0x24, () -> m.sys.loadSegment(Segment.GS, 0x27)); // entry 4: beyond LDT limit 0x1F
        m.sys.lldt(0);
        m.assertFault(CpuException.GP, 0x0C, () -> m.sys.loadSegment(Segment.GS, 0x0F)); // no LDT at all
    }

    @Test
    void virtual8086LoadsAreRealModeShapedWithDpl3() {
        m.protectedMode();
        m.ring3(0x1000, STACK3);
        m.s.eflags |= io.denalij.cpu.CpuState.VM;
        m.sys.loadSegment(Segment.DS, 0xB800);
        Segment ds = m.s.seg[Segment.DS];
        assertEquals(0xB8000, ds.base);
        assertEquals(0xFFFF, ds.limit);
        assertEquals(3, ds.dpl());
    }

    @Test
    void csIsNotASegmentLoadTarget() {
        assertThrows(IllegalArgumentException.class, () -> m.sys.loadSegment(Segment.CS, 0));
    }
}
