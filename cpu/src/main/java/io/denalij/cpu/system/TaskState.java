package io.denalij.cpu.system;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import io.denalij.cpu.Memory;
import io.denalij.cpu.Segment;

/**
 * What the processor reads from the current TSS without switching tasks: the stack pointers for
 * privilege levels 0-2 (32-bit and 16-bit TSS, SDM Vol. 3, 7.2.1 and 7.6) and the I/O permission
 * bitmap base (32-bit TSS only). Task switching itself is not implemented.
 */
final class TaskState {
    /** Offset of the I/O map base field in a 32-bit TSS, and the smallest limit that holds it. */
    static final int IO_MAP_BASE = 0x66, MIN_TSS32_LIMIT = 0x67;

    private final CpuState s;
    private final Memory mem;
    private final DescriptorTables tables;

    TaskState(CpuState s, Memory mem, DescriptorTables tables) {
        this.s = s;
        this.mem = mem;
        this.tables = tables;
    }

    /** True when TR holds a 32-bit TSS (available or busy type). */
    boolean is32() { return (s.tr.attrs & 0xF & ~Descriptor.TSS_BUSY_BIT) == Descriptor.TSS32_AVAILABLE; }

    /**
     * Reads and checks the stack for privilege level {@code dpl}: a TSS too short raises #TS(TR), a
     * bad SS selector or descriptor #TS(SS), a not-present stack segment #SS(SS); {@code ext} sets
     * the EXT bit of those error codes when an interrupt or exception is being delivered.
     */
    InnerStack stackFor(int dpl, boolean ext) {
        Segment tr = s.tr;
        long limit = Integer.toUnsignedLong(tr.limit);
        int ssSel, esp;
        if (is32()) {
            int at = (dpl << 3) + 4;
            if (at + 5 > limit) throw new CpuException(CpuException.TS, Selector.errorCode(tr.selector, ext));
            esp = mem.readSystem32(tr.base + at);
            ssSel = mem.readSystem16(tr.base + at + 4);
        } else {
            int at = (dpl << 2) + 2;
            if (at + 3 > limit) throw new CpuException(CpuException.TS, Selector.errorCode(tr.selector, ext));
            esp = mem.readSystem16(tr.base + at);
            ssSel = mem.readSystem16(tr.base + at + 2);
        }
        if (Selector.isNull(ssSel)) throw new CpuException(CpuException.TS, ext ? 1 : 0);
        int error = Selector.errorCode(ssSel, ext);
        if (Selector.rpl(ssSel) != dpl) throw new CpuException(CpuException.TS, error);
        Descriptor d = tables.fetch(ssSel);
        if (d == null || d.dpl() != dpl || !d.writableData()) throw new CpuException(CpuException.TS, error);
        if (!d.present()) throw new CpuException(CpuException.SS, error);
        return new InnerStack(ssSel, d, d.toSegment(ssSel), esp);
    }

    /**
     * The linear address of the I/O permission bitmap byte for {@code port}, or -1 when the TSS
     * has no such byte pair within its limit (or is not a 32-bit TSS): the caller raises #GP(0).
     */
    long ioBitmapAddress(int port) {
        Segment tr = s.tr;
        long limit = Integer.toUnsignedLong(tr.limit);
        if (!is32() || limit < MIN_TSS32_LIMIT) return -1;
        int mapBase = mem.readSystem16(tr.base + IO_MAP_BASE);
        long at = mapBase + ((port & 0xFFFF) >>> 3);
        // The processor always reads two bytes, so the second must be inside the limit too.
        if (at + 1 > limit) return -1;
        return Integer.toUnsignedLong(tr.base + (int) at);
    }

    /** The previous-task link of the current TSS, used only to name the task a nested IRET would return to. */
    int backLink() { return mem.readSystem16(s.tr.base); }
}
