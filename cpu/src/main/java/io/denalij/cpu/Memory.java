package io.denalij.cpu;

import io.denalij.mmu.Mmu;

/**
 * Memory as instructions see it: segment:offset accesses with the segment's limit and type
 * checks, then the MMU. A flat segment (base 0, limit 4 GiB) skips the checks, which is the case
 * for nearly every access of a 32-bit guest.
 *
 * <p>Faults: a limit or type violation raises #GP(0), or #SS(0) for the stack segment; page faults
 * come from the MMU as {@link io.denalij.mmu.PageFault}. Nothing is written before every check of
 * an access has passed.
 */
public final class Memory {
    private final CpuState s;
    private final Mmu mmu;

    public Memory(CpuState state, Mmu mmu) {
        this.s = state;
        this.mmu = mmu;
    }

    public Mmu mmu() { return mmu; }

    /** True when accesses are made at user privilege (CPL 3) for the page-level U/S check. */
    public boolean user() { return s.cpl == 3; }

    /** Checks a data access of {@code size} bytes and returns its linear address. */
    public int linear(int segIndex, int offset, int size, boolean write) {
        Segment sg = s.seg[segIndex];
        if (write ? sg.flatWrite : sg.flatRead) return offset;
        return checkedLinear(sg, segIndex, offset, size, write);
    }

    private int checkedLinear(Segment sg, int segIndex, int offset, int size, boolean write) {
        if (write ? !sg.writable : !sg.readable) {
            if (s.protectedMode() && !s.v86()) throw fault(segIndex);
        }
        long last = Integer.toUnsignedLong(offset) + size - 1;
        long limit = Integer.toUnsignedLong(sg.limit);
        if (sg.expandDown) {
            long upper = sg.is32() ? 0xFFFF_FFFFL : 0xFFFFL;
            if (Integer.toUnsignedLong(offset) <= limit || last > upper) throw fault(segIndex);
        } else if (last > limit) {
            throw fault(segIndex);
        }
        return sg.base + offset;
    }

    private static CpuException fault(int segIndex) {
        return new CpuException(segIndex == Segment.SS ? CpuException.SS : CpuException.GP, 0);
    }

    /**
     * The 4 bytes a 32-bit read at {@code seg:off} would return, as an unsigned number, or -1
     * where that read would fault or touch anything but RAM ({@link Mmu#peek32}): a look that
     * changes nothing the guest can see (the translator reads jump tables this way).
     */
    public long peek32(int seg, int off) {
        int linear;
        try {
            linear = linear(seg, off, 4, false);
        } catch (CpuException segmentFault) {
            return -1;
        }
        return mmu.peek32(linear);
    }

    public int read8(int seg, int off) { return mmu.read8(linear(seg, off, 1, false), user()); }
    public int read16(int seg, int off) { return mmu.read16(linear(seg, off, 2, false), user()); }
    public int read32(int seg, int off) { return mmu.read32(linear(seg, off, 4, false), user()); }

    public void write8(int seg, int off, int v) { mmu.write8(linear(seg, off, 1, true), v, user()); }
    public void write16(int seg, int off, int v) { mmu.write16(linear(seg, off, 2, true), v, user()); }
    public void write32(int seg, int off, int v) { mmu.write32(linear(seg, off, 4, true), v, user()); }

    /** Reads 1, 2 or 4 bytes. */
    public int read(int seg, int off, int size) {
        return switch (size) {
            case 1 -> read8(seg, off);
            case 2 -> read16(seg, off);
            default -> read32(seg, off);
        };
    }

    /** Writes 1, 2 or 4 bytes. */
    public void write(int seg, int off, int size, int v) {
        switch (size) {
            case 1 -> write8(seg, off, v);
            case 2 -> write16(seg, off, v);
            default -> write32(seg, off, v);
        }
    }

    /** Checks that a write of {@code len} bytes would succeed (segment and paging) without writing. */
    public void checkWrite(int seg, int off, int len) {
        mmu.checkWritable(linear(seg, off, len, true), len, user());
    }

    /** Supervisor-level access to a linear address (descriptor tables, TSS, IDT): CPL does not apply. */
    public int readSystem32(int linear) { return mmu.read32(linear, false); }
    public int readSystem16(int linear) { return mmu.read16(linear, false); }
    public int readSystem8(int linear) { return mmu.read8(linear, false); }
    public void writeSystem32(int linear, int v) { mmu.write32(linear, v, false); }
    public void writeSystem16(int linear, int v) { mmu.write16(linear, v, false); }
    public void writeSystem8(int linear, int v) { mmu.write8(linear, v, false); }

    // ---- stack: SS:ESP or SS:SP by the stack segment's B bit ----

    private int sp() { return s.stack32() ? s.gpr[CpuState.ESP] : s.gpr[CpuState.ESP] & 0xFFFF; }

    private void setSp(int v) {
        if (s.stack32()) s.gpr[CpuState.ESP] = v;
        else s.setReg16(CpuState.ESP, v);
    }

    /** Pushes 2 or 4 bytes; ESP changes only after the write succeeded. */
    public void push(int value, int size) {
        int nsp = sp() - size;
        if (!s.stack32()) nsp &= 0xFFFF;
        write(Segment.SS, nsp, size, value);
        setSp(nsp);
    }

    public void push32(int value) { push(value, 4); }
    public void push16(int value) { push(value, 2); }

    /** Pops 2 or 4 bytes; ESP changes only after the read succeeded. */
    public int pop(int size) {
        int sp = sp();
        int v = read(Segment.SS, sp, size);
        setSp(sp + size);
        return v;
    }

    /** Reads the stack at SP + {@code delta} without moving SP (for multi-pop instructions that must be precise). */
    public int peek(int delta, int size) {
        int a = sp() + delta;
        if (!s.stack32()) a &= 0xFFFF;
        return read(Segment.SS, a, size);
    }

    /** Adds {@code delta} to SP (or ESP), wrapping SP in a 16-bit stack. */
    public void adjustSp(int delta) { setSp(s.stack32() ? sp() + delta : (sp() + delta) & 0xFFFF); }
}
