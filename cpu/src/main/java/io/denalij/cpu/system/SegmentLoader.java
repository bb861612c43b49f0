package io.denalij.cpu.system;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import io.denalij.cpu.Segment;

/**
 * MOV/POP to a data or stack segment register and LDS/LES/LFS/LGS/LSS (SDM Vol. 2, MOV; Vol. 3,
 * 5.6 and 5.7), plus the segment-cache shapes of real and virtual-8086 mode that far transfers share.
 */
final class SegmentLoader {
    /** Every segment in virtual-8086 mode: present, writable, accessed, DPL 3, 16-bit, limit 64 KiB. */
    static final int V86_ATTRS = Segment.ATTR_P | Segment.ATTR_S | Segment.ATTR_RW | Segment.ATTR_ACCESSED
            | 3 << Segment.ATTR_DPL_SHIFT;

    private final CpuState s;
    private final DescriptorTables tables;

    SegmentLoader(CpuState s, DescriptorTables tables) {
        this.s = s;
        this.tables = tables;
    }

    void load(int segIndex, int selector) {
        if (segIndex == Segment.CS) {
            throw new IllegalArgumentException("CS is loaded only by far transfers, IRET and interrupt delivery");
        }
        selector &= 0xFFFF;
        Segment target = s.seg[segIndex];
        if (!s.protectedMode()) {
            target.loadReal(selector);
        } else if (s.v86()) {
            loadV86(target, selector);
        } else if (segIndex == Segment.SS) {
            loadStack(selector);
        } else {
            loadData(target, selector);
        }
        // MOV SS / POP SS / LSS: no interrupt until the ESP load that normally follows has executed.
        if (segIndex == Segment.SS) s.interruptShadow = true;
    }

    static void loadV86(Segment target, int selector) {
        target.load(selector, (selector & 0xFFFF) << 4, 0xFFFF, V86_ATTRS);
    }

    private void loadStack(int selector) {
        if (Selector.isNull(selector)) throw CpuException.gp(0);
        int error = Selector.errorCode(selector, false);
        Descriptor d = tables.fetch(selector);
        if (d == null || Selector.rpl(selector) != s.cpl || !d.writableData() || d.dpl() != s.cpl) {
            throw CpuException.gp(error);
        }
        if (!d.present()) throw new CpuException(CpuException.SS, error);
        tables.markAccessed(selector, d);
        d.loadInto(s.seg[Segment.SS], selector);
    }

    private void loadData(Segment target, int selector) {
        if (Selector.isNull(selector)) {
            target.loadNull(selector);
            return;
        }
        int error = Selector.errorCode(selector, false);
        Descriptor d = tables.fetch(selector);
        if (d == null || !(d.data() || d.readableCode())) throw CpuException.gp(error);
        // Data and non-conforming code demand DPL >= both CPL and RPL; conforming code is readable from any ring.
        if (!d.conforming() && (Selector.rpl(selector) > d.dpl() || s.cpl > d.dpl())) throw CpuException.gp(error);
        if (!d.present()) throw new CpuException(CpuException.NP, error);
        tables.markAccessed(selector, d);
        d.loadInto(target, selector);
    }

    /**
     * After a return to an outer privilege level: ES, DS, FS and GS that the new CPL may not use
     * (data or non-conforming code with DPL below it) become null (SDM Vol. 2, RET and IRET).
     */
    void nullInaccessibleDataSegments() {
        for (int i : new int[] {Segment.ES, Segment.DS, Segment.FS, Segment.GS}) {
            Segment sg = s.seg[i];
            boolean conformingCode = (sg.attrs & (Segment.ATTR_S | Segment.ATTR_CODE | Segment.ATTR_DC))
                    == (Segment.ATTR_S | Segment.ATTR_CODE | Segment.ATTR_DC);
            if (!conformingCode && sg.dpl() < s.cpl) sg.loadNull(0);
        }
    }
}
