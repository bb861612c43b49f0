package io.denalij.cpu;

/**
 * Ready-made processor states for tests, tools and loaders that do not go through a BIOS.
 * Segment caches are filled directly (no GDT is needed until software reloads a segment register).
 */
public final class Cpus {
    private Cpus() { }

    /** The selectors the flat states use: the usual GDT layout of a multiboot kernel. */
    public static final int FLAT_CODE_SELECTOR = 0x08, FLAT_DATA_SELECTOR = 0x10;

    private static final int CODE_ATTRS = Segment.ATTR_P | Segment.ATTR_S | Segment.ATTR_CODE | Segment.ATTR_RW
            | Segment.ATTR_ACCESSED | Segment.ATTR_DB | Segment.ATTR_G;
    private static final int DATA_ATTRS = Segment.ATTR_P | Segment.ATTR_S | Segment.ATTR_RW | Segment.ATTR_ACCESSED
            | Segment.ATTR_DB | Segment.ATTR_G;

    /**
     * 32-bit protected mode, paging off, CPL 0, flat 4 GiB code (selector 0x08) and data
     * (0x10 in DS, ES, SS, FS, GS), interrupts disabled.
     */
    public static CpuState flat32(int eip, int esp) {
        CpuState s = new CpuState();
        s.cr0 = CpuState.CR0_PE | CpuState.CR0_ET;
        s.cpl = 0;
        s.seg[Segment.CS].load(FLAT_CODE_SELECTOR, 0, -1, CODE_ATTRS);
        for (int i : new int[] {Segment.ES, Segment.SS, Segment.DS, Segment.FS, Segment.GS}) {
            s.seg[i].load(FLAT_DATA_SELECTOR, 0, -1, DATA_ATTRS);
        }
        s.gpr[CpuState.EDX] = 0;
        s.eip = eip;
        s.gpr[CpuState.ESP] = esp;
        return s;
    }

    /** Real mode at CS:IP with every data segment equal to CS and SS:SP as given. */
    public static CpuState real(int cs, int ip, int ss, int sp) {
        CpuState s = new CpuState();
        s.cr0 = CpuState.CR0_ET;
        for (Segment sg : s.seg) sg.loadReal(cs);
        s.seg[Segment.SS].loadReal(ss);
        s.gpr[CpuState.EDX] = 0;
        s.eip = ip;
        s.gpr[CpuState.ESP] = sp;
        return s;
    }
}
