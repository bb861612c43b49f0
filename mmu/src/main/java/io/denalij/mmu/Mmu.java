package io.denalij.mmu;

import static io.denalij.mmu.PhysicalMemory.PAGE_MASK;
import static io.denalij.mmu.PhysicalMemory.PAGE_SHIFT;
import static io.denalij.mmu.PhysicalMemory.PAGE_SIZE;

/**
 * Linear-to-physical translation: x86 two-level paging (4 KiB pages and, with CR4.PSE, 4 MiB
 * pages), accessed/dirty bits, U/S and R/W checks with CR0.WP, and a software TLB that CR3
 * writes and INVLPG flush. With paging off, linear addresses are physical.
 *
 * <p>Every access either completes or throws {@link PageFault} before changing anything: an
 * access that crosses a page boundary translates both pages first. (A/D bits are not data: a
 * walk may set the PDE's accessed bit, or the first page's A/D bits of a crossing access, before
 * the fault is found, as the processor does.)
 *
 * <p>Each accessor's fast path is one tag compare in the {@link Tlb} and an access to the cached
 * page array; anything else (a TLB miss, a page crossing, a page outside RAM, a write-watched
 * page) goes to the slow path, which walks if needed and re-arms the fast path. Paging off uses
 * the same path with identity entries. The TLB keeps translations until {@link #setControl} or
 * {@link #invlpg}, so a guest that edits a PTE without INVLPG may keep seeing the old mapping,
 * as hardware may. PAE paging is not implemented: enabling it fails loudly.
 */
public final class Mmu {
    /** Bits of the {@code access} argument of {@link #translate}. */
    public static final int ACCESS_READ = 0, ACCESS_WRITE = 1, ACCESS_EXEC = 2, ACCESS_USER = 4;

    private static final int CR4_PAE = 1 << 5;

    private final PhysicalMemory ram;
    private final Tlb tlb;
    private final PageWalker walker;
    // The TLB's fast-path arrays, held here so each accessor is one field load from its tags.
    private final int[] supRead, supWrite, userRead, userWrite;
    private final byte[][] data;
    private final int tlbMask;
    /** Shaped like a tag array but never matching (see {@link #noFastTags}); shared by all MMUs of its size. */
    private final int[] noFast;
    private static final int[][] NO_FAST = new int[21][];

    private int cr0, cr3, cr4;
    private boolean paging;
    private long walks;

    public Mmu(PhysicalMemory ram) {
        this(ram, Tlb.DEFAULT_ENTRIES);
    }

    /**
     * An MMU whose TLB has {@code tlbEntries} entries (a power of two). A PC's paged OS wants the
     * default 1024; a machine without paging that touches a handful of pages (a Denali VM, one of
     * 100,000 in a JVM) does as well with 64 and keeps its footprint small.
     */
    public Mmu(PhysicalMemory ram, int tlbEntries) {
        this.ram = ram;
        this.tlb = new Tlb(ram, tlbEntries);
        this.tlbMask = tlb.mask;
        this.walker = new PageWalker(ram);
        this.supRead = tlb.supRead;
        this.supWrite = tlb.supWrite;
        this.userRead = tlb.userRead;
        this.userWrite = tlb.userWrite;
        this.data = tlb.data;
        this.noFast = noFast(tlb.entries());
    }

    private static synchronized int[] noFast(int entries) {
        int k = Integer.numberOfTrailingZeros(entries);
        if (NO_FAST[k] == null) {
            int[] a = new int[entries];
            java.util.Arrays.fill(a, Tlb.INVALID);
            NO_FAST[k] = a;
        }
        return NO_FAST[k];
    }

    public PhysicalMemory ram() { return ram; }

    /** Entries in the software TLB. */
    public int tlbEntries() { return tlb.entries(); }

    /**
     * Called whenever CR0, CR3 or CR4 is written; flushes the whole TLB (global pages too).
     *
     * @throws UnsupportedOperationException when paging is enabled with CR4.PAE (not implemented)
     */
    public void setControl(int cr0, int cr3, int cr4) {
        if (cr0 < 0 && (cr4 & CR4_PAE) != 0) {
            throw new UnsupportedOperationException("PAE paging (CR0.PG=1 with CR4.PAE=1) is not implemented");
        }
        this.cr0 = cr0;
        this.cr3 = cr3;
        this.cr4 = cr4;
        this.paging = cr0 < 0; // CR0.PG is bit 31
        flushTlb();
    }

    public boolean pagingEnabled() { return paging; }

    /** Drops the TLB entry for the page holding {@code linear}; for a 4 MiB page, all of it. */
    public void invlpg(int linear) { tlb.invalidate(linear); }

    public void flushTlb() { tlb.flush(); }

    /** Page walks done so far (TLB misses); for benchmarks and tests. */
    public long walks() { return walks; }

    /**
     * Translates one linear address for the given access ({@code ACCESS_*} bits), setting
     * accessed/dirty bits, and returns the physical address.
     *
     * @throws PageFault if the access is not allowed; nothing but the PDE's A bit has changed then
     */
    public int translate(int linear, int access) {
        int ppn = tlb.lookup(linear, Tlb.rightFor(access));
        if (ppn < 0) ppn = fill(linear, access);
        tlb.arm(linear);
        return ppn << PAGE_SHIFT | linear & PAGE_MASK;
    }

    /**
     * The physical address {@code linear} maps to, or -1 when it is not mapped. No rights are
     * checked, no bits set, the TLB is neither used nor filled: for debuggers and traces.
     */
    public long peekTranslation(int linear) {
        return paging ? walker.peek(linear, cr3, cr4) : Integer.toUnsignedLong(linear);
    }

    /**
     * The 4 bytes at {@code linear} as an unsigned number, or -1 when they are not in one page of
     * RAM (or ROM) that the page tables map: read with {@link #peekTranslation} and the page as it
     * is, so no A bit is set, the TLB is not filled and no device is touched.
     */
    public long peek32(int linear) {
        if ((linear & PAGE_MASK) > PAGE_MASK - 3) return -1; // crosses a page
        long phys = peekTranslation(linear);
        if (phys < 0) return -1;
        byte[] page;
        try {
            page = ram.pageForRead((int) (phys >>> PAGE_SHIFT));
        } catch (IllegalStateException swappedOut) { // PhysicalMemory's answer for a page swapped out
            return -1;
        }
        return page == null ? -1 : Integer.toUnsignedLong((int) PhysicalMemory.I32.get(page, (int) phys & PAGE_MASK));
    }

    private int fill(int linear, int access) {
        if (!paging) {
            tlb.insert(linear, linear >>> PAGE_SHIFT, Tlb.ALL, false);
            return linear >>> PAGE_SHIFT;
        }
        walks++;
        int entry = walker.walk(linear, access, cr0, cr3, cr4);
        tlb.insert(linear, entry >>> PAGE_SHIFT, entry & Tlb.ALL, (entry & PageWalker.LARGE) != 0);
        return entry >>> PAGE_SHIFT;
    }

    // ---- the fast path for code that inlines it (translated code) ----
    //
    // An access of n bytes at linear address a may use pages[i][a & 0xFFF] directly when, with
    // i = (a >>> 12) & (tags.length - 1), tags[i] == (a + n - 1 & ~0xFFF); otherwise it must go
    // through the accessors below. The arrays are this MMU's own and stay the same objects for its
    // life; callers only read them, and the answer holds until the next access through this MMU.

    /** The tag array of one access class (see the comment above). */
    public int[] fastTags(boolean write, boolean user) {
        return write ? (user ? userWrite : supWrite) : (user ? userRead : supRead);
    }

    /** The page arrays that go with {@link #fastTags}. */
    public byte[][] fastPages() { return data; }

    /** An array shaped like {@link #fastTags} that never matches: for accesses that must always take the accessors. */
    public int[] noFastTags() { return noFast; }

    // ---- fast paths: tag of the access's last byte's page == entry of its first byte's page ----

    public int read8(int linear, boolean user) {
        int i = (linear >>> PAGE_SHIFT) & tlbMask;
        if ((user ? userRead : supRead)[i] == (linear & ~PAGE_MASK)) return data[i][linear & PAGE_MASK] & 0xFF;
        return readSlow(linear, 1, user ? ACCESS_USER : ACCESS_READ);
    }

    public int read16(int linear, boolean user) {
        int i = (linear >>> PAGE_SHIFT) & tlbMask;
        if ((user ? userRead : supRead)[i] == (linear + 1 & ~PAGE_MASK)) {
            return (short) PhysicalMemory.I16.get(data[i], linear & PAGE_MASK) & 0xFFFF;
        }
        return readSlow(linear, 2, user ? ACCESS_USER : ACCESS_READ);
    }

    public int read32(int linear, boolean user) {
        int i = (linear >>> PAGE_SHIFT) & tlbMask;
        if ((user ? userRead : supRead)[i] == (linear + 3 & ~PAGE_MASK)) {
            return (int) PhysicalMemory.I32.get(data[i], linear & PAGE_MASK);
        }
        return readSlow(linear, 4, user ? ACCESS_USER : ACCESS_READ);
    }

    // ---- bulk fast paths for REP STOS / REP MOVS: all on the fast path, or nothing ----

    /**
     * Stores {@code count} elements of {@code size} bytes (1, 2 or 4) of {@code value} from
     * {@code linear} upwards when the whole run lies in one page whose write takes the fast path (a
     * TLB hit: RAM, dirty already, not write-watched). Returns false, having written nothing, otherwise.
     */
    public boolean fillFast(int linear, int value, int size, int count, boolean user) {
        int off = linear & PAGE_MASK, bytes = size * count;
        if (count <= 0 || off + bytes > PAGE_SIZE) return false;
        int i = (linear >>> PAGE_SHIFT) & tlbMask;
        if ((user ? userWrite : supWrite)[i] != (linear & ~PAGE_MASK)) return false;
        byte[] p = data[i];
        switch (size) {
            case 1 -> java.util.Arrays.fill(p, off, off + bytes, (byte) value);
            case 2 -> { for (int a = off; a < off + bytes; a += 2) PhysicalMemory.I16.set(p, a, (short) value); }
            default -> { for (int a = off; a < off + bytes; a += 4) PhysicalMemory.I32.set(p, a, value); }
        }
        return true;
    }

    /**
     * Copies {@code bytes} bytes from {@code src} to {@code dst} upwards, with the result of copying
     * them one element after the other in ascending order, when each run lies in one page and both
     * take the fast path (read and write TLB hits). Returns false, having written nothing, otherwise,
     * and also when the destination starts inside the source run in the same page (where an
     * ascending element copy replicates data and a block copy would not).
     */
    public boolean copyFast(int src, int dst, int bytes, boolean user) {
        int so = src & PAGE_MASK, d0 = dst & PAGE_MASK;
        if (bytes <= 0 || so + bytes > PAGE_SIZE || d0 + bytes > PAGE_SIZE) return false;
        int si = (src >>> PAGE_SHIFT) & tlbMask, di = (dst >>> PAGE_SHIFT) & tlbMask;
        if ((user ? userRead : supRead)[si] != (src & ~PAGE_MASK)) return false;
        if ((user ? userWrite : supWrite)[di] != (dst & ~PAGE_MASK)) return false;
        byte[] from = data[si], to = data[di];
        if (from == to && d0 > so && d0 < so + bytes) return false;
        System.arraycopy(from, so, to, d0, bytes); // for d0 <= so an ascending copy reads every byte before it is written
        return true;
    }

    /** Reads 64 bits (CMPXCHG8B, FPU m64); a crossing read may fault on its second page. */
    public long read64(int linear, boolean user) {
        int i = (linear >>> PAGE_SHIFT) & tlbMask;
        if ((user ? userRead : supRead)[i] == (linear + 7 & ~PAGE_MASK)) {
            return (long) PhysicalMemory.I64.get(data[i], linear & PAGE_MASK);
        }
        int lo = read32(linear, user);
        return Integer.toUnsignedLong(lo) | (long) read32(linear + 4, user) << 32;
    }

    /** Instruction fetch of one byte. */
    public int fetch8(int linear, boolean user) {
        int i = (linear >>> PAGE_SHIFT) & tlbMask;
        if ((user ? userRead : supRead)[i] == (linear & ~PAGE_MASK)) return data[i][linear & PAGE_MASK] & 0xFF;
        return readSlow(linear, 1, ACCESS_EXEC | (user ? ACCESS_USER : 0));
    }

    public void write8(int linear, int value, boolean user) {
        int i = (linear >>> PAGE_SHIFT) & tlbMask;
        if ((user ? userWrite : supWrite)[i] == (linear & ~PAGE_MASK)) {
            data[i][linear & PAGE_MASK] = (byte) value;
            return;
        }
        writeSlow(linear, value, 1, user);
    }

    public void write16(int linear, int value, boolean user) {
        int i = (linear >>> PAGE_SHIFT) & tlbMask;
        if ((user ? userWrite : supWrite)[i] == (linear + 1 & ~PAGE_MASK)) {
            PhysicalMemory.I16.set(data[i], linear & PAGE_MASK, (short) value);
            return;
        }
        writeSlow(linear, value, 2, user);
    }

    public void write32(int linear, int value, boolean user) {
        int i = (linear >>> PAGE_SHIFT) & tlbMask;
        if ((user ? userWrite : supWrite)[i] == (linear + 3 & ~PAGE_MASK)) {
            PhysicalMemory.I32.set(data[i], linear & PAGE_MASK, value);
            return;
        }
        writeSlow(linear, value, 4, user);
    }

    /** Writes 64 bits; both pages of a crossing write are checked before either is written. */
    public void write64(int linear, long value, boolean user) {
        int i = (linear >>> PAGE_SHIFT) & tlbMask;
        if ((user ? userWrite : supWrite)[i] == (linear + 7 & ~PAGE_MASK)) {
            PhysicalMemory.I64.set(data[i], linear & PAGE_MASK, value);
            return;
        }
        checkWritable(linear, 8, user);
        write32(linear, (int) value, user);
        write32(linear + 4, (int) (value >>> 32), user);
    }

    /**
     * Checks that {@code len} bytes from {@code linear} can be written, raising the page fault a
     * write would raise, without writing: lets multi-part stores (PUSHA, FSAVE, far call frames) be precise.
     * Sets the dirty bits, as the writes that follow would.
     */
    public void checkWritable(int linear, int len, boolean user) {
        if (!paging || len <= 0) return;
        int access = ACCESS_WRITE | (user ? ACCESS_USER : 0);
        int lastPage = linear + len - 1 & ~PAGE_MASK;
        // Each page is checked at the first byte written in it: that is where its store would fault.
        for (int at = linear; ; at = (at | PAGE_MASK) + 1) {
            translate(at, access);
            if ((at & ~PAGE_MASK) == lastPage) return;
        }
    }

    // ---- slow paths ----

    private int readSlow(int linear, int size, int access) {
        int offset = linear & PAGE_MASK;
        if (offset <= PAGE_SIZE - size) {
            int pa = translate(linear, access);
            return switch (size) {
                case 1 -> ram.read8(pa);
                case 2 -> ram.read16(pa);
                default -> ram.read32(pa);
            };
        }
        int first = translate(linear, access);
        int second = translate((linear | PAGE_MASK) + 1, access);
        int inFirst = PAGE_SIZE - offset;
        int value = 0;
        for (int k = 0; k < size; k++) {
            value |= ram.read8(k < inFirst ? first + k : second + k - inFirst) << 8 * k;
        }
        return value;
    }

    private void writeSlow(int linear, int value, int size, boolean user) {
        int access = ACCESS_WRITE | (user ? ACCESS_USER : 0);
        int offset = linear & PAGE_MASK;
        if (offset <= PAGE_SIZE - size) {
            int pa = translate(linear, access);
            switch (size) {
                case 1 -> ram.write8(pa, value);
                case 2 -> ram.write16(pa, value);
                default -> ram.write32(pa, value);
            }
            return;
        }
        int first = translate(linear, access);
        int second = translate((linear | PAGE_MASK) + 1, access);
        int inFirst = PAGE_SIZE - offset;
        for (int k = 0; k < size; k++) {
            ram.write8(k < inFirst ? first + k : second + k - inFirst, value >>> 8 * k);
        }
    }
}
