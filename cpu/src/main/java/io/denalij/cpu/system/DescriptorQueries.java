package io.denalij.cpu.system;

import io.denalij.cpu.CpuState;

/**
 * LAR, LSL, VERR and VERW (SDM Vol. 2): look at a descriptor the way a segment load would, but
 * report through ZF instead of faulting. Descriptor reads can still page-fault.
 */
final class DescriptorQueries {
    /** LAR's result: the descriptor's high dword masked as QEMU and hardware return it (type, S, DPL, P, AVL, L, D/B, G). */
    static final int LAR_MASK = 0x00F0_FF00;

    private final CpuState s;
    private final DescriptorTables tables;

    DescriptorQueries(CpuState s, DescriptorTables tables) {
        this.s = s;
        this.tables = tables;
    }

    /** The descriptor if the selector names one that CPL and RPL may see, else null (ZF = 0). */
    private Descriptor visible(int selector) {
        if (Selector.isNull(selector)) return null;
        Descriptor d = tables.fetch(selector);
        if (d == null) return null;
        // Conforming code is visible from every level; everything else needs DPL >= max(CPL, RPL).
        if (!d.conforming() && (d.dpl() < s.cpl || d.dpl() < Selector.rpl(selector))) return null;
        return d;
    }

    int lar(int selector) {
        Descriptor d = visible(selector & 0xFFFF);
        if (d == null) return -1;
        if (d.system()) {
            switch (d.type()) {
                case Descriptor.TSS16_AVAILABLE, Descriptor.LDT, Descriptor.TSS16_BUSY, Descriptor.CALL_GATE16,
                     Descriptor.TASK_GATE, Descriptor.TSS32_AVAILABLE, Descriptor.TSS32_BUSY, Descriptor.CALL_GATE32 -> { }
                default -> { return -1; }
            }
        }
        return d.high() & LAR_MASK;
    }

    long lsl(int selector) {
        Descriptor d = visible(selector & 0xFFFF);
        if (d == null) return -1;
        if (d.system() && !(d.tss() || d.type() == Descriptor.LDT)) return -1;
        return Integer.toUnsignedLong(d.limit());
    }

    boolean verr(int selector) {
        Descriptor d = visible(selector & 0xFFFF);
        return d != null && (d.data() || d.readableCode());
    }

    boolean verw(int selector) {
        Descriptor d = visible(selector & 0xFFFF);
        return d != null && d.writableData();
    }
}
