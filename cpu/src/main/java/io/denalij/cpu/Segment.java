package io.denalij.cpu;

/**
 * One segment register with its hidden descriptor cache, as the processor keeps it after a load.
 *
 * <p>In real mode the cache is base = selector * 16, limit 0xFFFF; in protected mode it is filled
 * from the descriptor. Accesses check against the cache, never against the descriptor tables.
 */
public final class Segment {
    /** Index of each segment register, in the order of the ModRM "sreg" encoding. */
    public static final int ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;
    public static final String[] NAMES = {"es", "cs", "ss", "ds", "fs", "gs"};

    /** Descriptor attribute bits kept in {@link #attrs}: bits 8..15 and 20..23 of the descriptor's high word, shifted down by 8. */
    public static final int ATTR_ACCESSED = 0x01, ATTR_RW = 0x02, ATTR_DC = 0x04, ATTR_CODE = 0x08,
            ATTR_S = 0x10, ATTR_DPL_SHIFT = 5, ATTR_P = 0x80, ATTR_AVL = 0x1000, ATTR_DB = 0x4000, ATTR_G = 0x8000;

    public int selector;
    public int base;
    /** Byte-granular limit (already scaled by G); compare unsigned. */
    public int limit;
    public int attrs;
    /** True when base is 0 and limit 4 GiB-1, expand-up and present: offsets are linear addresses and need no limit check. */
    public boolean flat;
    /** {@link #flat} and readable (resp. writable): a data read (resp. write) needs no check at all. */
    public boolean flatRead, flatWrite;
    /** Derived from attrs at load: whether data reads and writes are allowed (a null selector allows neither). */
    public boolean readable, writable, expandDown;

    public void load(int selector, int base, int limit, int attrs) {
        this.selector = selector & 0xFFFF;
        this.base = base;
        this.limit = limit;
        this.attrs = attrs;
        boolean present = (attrs & ATTR_P) != 0;
        boolean code = (attrs & ATTR_CODE) != 0;
        this.expandDown = !code && (attrs & ATTR_DC) != 0;
        this.readable = present && (!code || (attrs & ATTR_RW) != 0);
        this.writable = present && !code && (attrs & ATTR_RW) != 0;
        this.flat = base == 0 && limit == -1 && present && !expandDown;
        this.flatRead = flat && readable;
        this.flatWrite = flat && writable;
    }

    /** Marks the register unusable (a null selector loaded in protected mode): every access faults. */
    public void loadNull(int selector) {
        this.selector = selector & 0xFFFF;
        this.base = 0; this.limit = 0; this.attrs = 0;
        this.flat = false; this.flatRead = false; this.flatWrite = false; this.readable = false; this.writable = false; this.expandDown = false;
    }

    /** Real-mode or virtual-8086 style load: base = selector << 4, limit unchanged (keeps "unreal" limits). */
    public void loadReal(int selector) {
        this.selector = selector & 0xFFFF;
        this.base = (selector & 0xFFFF) << 4;
        this.flat = false;
        this.flatRead = false;
        this.flatWrite = false;
    }

    public int dpl() { return (attrs >> ATTR_DPL_SHIFT) & 3; }
    public boolean is32() { return (attrs & ATTR_DB) != 0; }
    public boolean present() { return (attrs & ATTR_P) != 0; }

    public void copyFrom(Segment o) {
        selector = o.selector; base = o.base; limit = o.limit; attrs = o.attrs;
        flat = o.flat; flatRead = o.flatRead; flatWrite = o.flatWrite;
        readable = o.readable; writable = o.writable; expandDown = o.expandDown;
    }
}
