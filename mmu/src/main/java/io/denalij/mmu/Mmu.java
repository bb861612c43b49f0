package io.denalij.mmu;

/**
 * Linear-to-physical translation: x86 two-level paging (4 KiB pages and, with CR4.PSE, 4 MiB
 * pages), accessed/dirty bits, U/S and R/W checks with CR0.WP, and a software TLB that CR3
 * writes and INVLPG flush. With paging off, linear addresses are physical.
 *
 * <p>Every access either completes or throws {@link PageFault} before changing anything: an
 * access that crosses a page boundary translates both pages first.
 */
public final class Mmu {
    /** Bits of the {@code access} argument of {@link #translate}. */
    public static final int ACCESS_READ = 0, ACCESS_WRITE = 1, ACCESS_EXEC = 2, ACCESS_USER = 4;

    private final PhysicalMemory ram;
    private int cr0, cr3, cr4;
    private boolean paging;

    public Mmu(PhysicalMemory ram) {
        this.ram = ram;
    }

    public PhysicalMemory ram() { return ram; }

    /** Called whenever CR0, CR3 or CR4 is written; flushes the TLB as the processor would. */
    public void setControl(int cr0, int cr3, int cr4) {
        this.cr0 = cr0;
        this.cr3 = cr3;
        this.cr4 = cr4;
        this.paging = cr0 < 0; // CR0.PG is bit 31
        flushTlb();
    }

    public boolean pagingEnabled() { return paging; }

    public void invlpg(int linear) { }

    public void flushTlb() { }

    /**
     * Translates one linear address for the given access ({@code ACCESS_*} bits), setting
     * accessed/dirty bits, and returns the physical address.
     */
    public int translate(int linear, int access) {
        if (!paging) return linear;
        throw new UnsupportedOperationException("paging is not implemented yet");
    }

    public int read8(int linear, boolean user) {
        return ram.read8(translate(linear, user ? ACCESS_USER : 0));
    }

    public int read16(int linear, boolean user) {
        if ((linear & PhysicalMemory.PAGE_MASK) <= PhysicalMemory.PAGE_SIZE - 2 && !paging) return ram.read16(linear);
        return read8(linear, user) | read8(linear + 1, user) << 8;
    }

    public int read32(int linear, boolean user) {
        if ((linear & PhysicalMemory.PAGE_MASK) <= PhysicalMemory.PAGE_SIZE - 4 && !paging) return ram.read32(linear);
        return read16(linear, user) | read16(linear + 2, user) << 16;
    }

    public void write8(int linear, int value, boolean user) {
        ram.write8(translate(linear, ACCESS_WRITE | (user ? ACCESS_USER : 0)), value);
    }

    public void write16(int linear, int value, boolean user) {
        if ((linear & PhysicalMemory.PAGE_MASK) <= PhysicalMemory.PAGE_SIZE - 2 && !paging) { ram.write16(linear, value); return; }
        write8(linear, value, user);
        write8(linear + 1, value >>> 8, user);
    }

    public void write32(int linear, int value, boolean user) {
        if ((linear & PhysicalMemory.PAGE_MASK) <= PhysicalMemory.PAGE_SIZE - 4 && !paging) { ram.write32(linear, value); return; }
        write16(linear, value, user);
        write16(linear + 2, value >>> 16, user);
    }

    /** Instruction fetch of one byte. */
    public int fetch8(int linear, boolean user) {
        return ram.read8(translate(linear, ACCESS_EXEC | (user ? ACCESS_USER : 0)));
    }

    /**
     * Checks that {@code len} bytes from {@code linear} can be written, raising the page fault a
     * write would raise, without writing: lets multi-part stores (PUSHA, FSAVE, far call frames) be precise.
     */
    public void checkWritable(int linear, int len, boolean user) {
        if (!paging) return;
        translate(linear, ACCESS_WRITE | (user ? ACCESS_USER : 0));
        translate(linear + len - 1, ACCESS_WRITE | (user ? ACCESS_USER : 0));
    }
}
