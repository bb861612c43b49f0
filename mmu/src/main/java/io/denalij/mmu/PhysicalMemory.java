package io.denalij.mmu;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Guest-physical RAM as sparse 4 KiB pages: a page's bytes are allocated the first time it is
 * written, so a machine costs only what it touched. Reads of a page never written see zeros.
 *
 * <p>Addresses at or above {@link #size()} are not RAM: reads return all ones and writes are
 * dropped, as on an empty PC bus; {@link #unbackedAccesses()} counts them.
 *
 * <p>For many machines in one JVM: the page table is a directory of 64-page leaves allocated on
 * first use (a VM with a large mem_size that touches little costs little); pages can be mapped
 * shared copy-on-write from arrays that many RAMs hold ({@link #mapShared}: one copy of an image
 * for every VM that loaded it); and owned pages can be taken out and put back ({@link #swapOut},
 * {@link #swapIn}) by a host that keeps them elsewhere meanwhile. Observers (the MMU's TLB) are
 * told whenever the array behind a page changes, so no cached reference outlives a copy or a swap.
 */
public final class PhysicalMemory {
    public static final int PAGE_SHIFT = 12;
    public static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    public static final int PAGE_MASK = PAGE_SIZE - 1;

    /** Shared by every read of a never-written page; never written itself. */
    private static final byte[] ZERO_PAGE = new byte[PAGE_SIZE];

    static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Pages per leaf of the page directory: RAM costs one small leaf per 256 KiB region touched. */
    private static final int LEAF_SHIFT = 6, LEAF_PAGES = 1 << LEAF_SHIFT, LEAF_MASK = LEAF_PAGES - 1;

    /**
     * 64 pages of the directory. A page is absent (null: reads as zeros), owned (this RAM's own
     * array), shared (an array other RAMs hold too, never written in place: the first write copies
     * it) or swapped out (null, and any access fails loudly until {@link #swapIn}).
     */
    private static final class Leaf {
        final byte[][] pages = new byte[LEAF_PAGES][];
        long shared, out;
    }

    private final long size;
    private final int pageCount;
    private final Leaf[] leaves;
    private int ownedPages, sharedPages, swappedPages;
    private long unbackedAccesses;
    /** Bumped on every write to a page for which {@link #watchWrites} was set (code caches use it). */
    private final WriteWatch writeWatch;
    /** MMUs that cache direct references to page arrays; told when an array or its watch state changes. */
    private PageObserver[] observers = new PageObserver[0];

    public PhysicalMemory(long sizeBytes) {
        if (sizeBytes <= 0 || sizeBytes > (1L << 32) || (sizeBytes & PAGE_MASK) != 0) {
            throw new IllegalArgumentException("guest RAM must be a positive multiple of 4 KiB up to 4 GiB, not " + sizeBytes);
        }
        this.size = sizeBytes;
        this.pageCount = (int) (sizeBytes >>> PAGE_SHIFT);
        this.leaves = new Leaf[(pageCount + LEAF_MASK) >>> LEAF_SHIFT];
        this.writeWatch = new WriteWatch(pageCount, this::pageChanged);
    }

    /** Bytes of RAM. */
    public long size() { return size; }

    public int pageCount() { return pageCount; }

    /** Pages this RAM owns: allocated by a write, copied from a shared page, or swapped back in. O(1). */
    public int residentPages() { return ownedPages; }

    /** Pages mapped from a shared array and not yet written (copy-on-write). */
    public int sharedPages() { return sharedPages; }

    /** Pages swapped out ({@link #swapOut}) and not yet back. */
    public int swappedPages() { return swappedPages; }

    public long unbackedAccesses() { return unbackedAccesses; }

    private boolean strict;

    /**
     * Strict memory (Denali mode: SPEC section 6): an access outside RAM is a fault, thrown as a
     * {@link PageFault} at that address, instead of an empty-bus read or a dropped write.
     */
    public void setStrict(boolean strict) { this.strict = strict; }

    private int unbacked(int paddr, boolean write) {
        if (strict) throw new PageFault(paddr, (write ? PageFault.WRITE : 0) | PageFault.USER);
        unbackedAccesses++;
        return -1;
    }

    public WriteWatch writeWatch() { return writeWatch; }

    /** True when the physical address is RAM. */
    public boolean isRam(int paddr) { return Integer.toUnsignedLong(paddr) < size; }

    private static long bit(int ppn) { return 1L << (ppn & LEAF_MASK); }

    private Leaf leafFor(int ppn) {
        Leaf l = leaves[ppn >>> LEAF_SHIFT];
        if (l == null) leaves[ppn >>> LEAF_SHIFT] = l = new Leaf();
        return l;
    }

    private static IllegalStateException swappedOut(int ppn) {
        return new IllegalStateException(String.format("page 0x%x is swapped out: swap it in before touching it", ppn));
    }

    /** Read-only pages above RAM: a firmware ROM ending at the top of the 4 GiB address space ({@link #mapRomAtTop}). */
    private byte[][] rom = new byte[0][];
    private int romFirstPpn = Integer.MAX_VALUE;

    /**
     * Maps {@code image} read-only so that it ends at physical address 4 GiB, where a PC's firmware
     * flash sits and the processor fetches its first instruction after reset (0xFFFFFFF0). Reads see
     * the image; writes are dropped like any write outside RAM. RAM must end below the ROM.
     */
    public void mapRomAtTop(byte[] image) {
        if (image.length == 0 || (image.length & PAGE_MASK) != 0) {
            throw new IllegalArgumentException("a ROM image must be a non-empty multiple of 4 KiB, not " + image.length + " bytes");
        }
        long start = (1L << 32) - image.length;
        if (start < size) {
            throw new IllegalArgumentException(String.format(
                    "a ROM of %d KiB at the top of 4 GiB would overlap guest RAM (0x%x bytes)", image.length >> 10, size));
        }
        rom = new byte[image.length >> PAGE_SHIFT][];
        for (int i = 0; i < rom.length; i++) rom[i] = java.util.Arrays.copyOfRange(image, i << PAGE_SHIFT, (i + 1) << PAGE_SHIFT);
        romFirstPpn = (int) (start >>> PAGE_SHIFT);
    }

    /** The page's bytes for reading, or null when the page number is neither RAM nor ROM. Never-written pages read as a shared zero page. */
    public byte[] pageForRead(int ppn) {
        if (ppn < 0 || ppn >= pageCount) return ppn >= romFirstPpn ? rom[ppn - romFirstPpn] : null;
        Leaf l = leaves[ppn >>> LEAF_SHIFT];
        if (l == null) return ZERO_PAGE;
        byte[] p = l.pages[ppn & LEAF_MASK];
        if (p != null) return p;
        if ((l.out & bit(ppn)) != 0) throw swappedOut(ppn);
        return ZERO_PAGE;
    }

    /**
     * The page's bytes for writing, or null when the page number is not RAM. A never-written page is
     * allocated; a shared page is copied first (copy-on-write), so the array returned is this RAM's own.
     */
    public byte[] pageForWrite(int ppn) {
        if (ppn < 0 || ppn >= pageCount) return null;
        Leaf l = leafFor(ppn);
        int i = ppn & LEAF_MASK;
        byte[] p = l.pages[i];
        long b = bit(ppn);
        if (p == null) {
            if ((l.out & b) != 0) throw swappedOut(ppn);
            l.pages[i] = p = new byte[PAGE_SIZE];
            ownedPages++;
            pageChanged(ppn); // cached references to the shared zero page are now stale
        } else if ((l.shared & b) != 0) {
            l.pages[i] = p = p.clone();
            l.shared &= ~b;
            sharedPages--;
            ownedPages++;
            pageChanged(ppn); // cached references to the shared array must not be written through
        }
        if (writeWatch.watched(ppn)) writeWatch.hit(ppn);
        return p;
    }

    /** The page's own (owned, writable in place) bytes, else null; no side effects (the TLB uses it). */
    byte[] allocatedPage(int ppn) {
        if (ppn < 0 || ppn >= pageCount) return null;
        Leaf l = leaves[ppn >>> LEAF_SHIFT];
        if (l == null || (l.shared & bit(ppn)) != 0) return null;
        return l.pages[ppn & LEAF_MASK];
    }

    // ---- sharing and swapping ----

    /**
     * Maps {@code bytes} as page {@code ppn}, shared copy-on-write: reads see it, the first write to
     * the page copies it into an array of this RAM's own, so {@code bytes} is never written through
     * this RAM. Any number of RAMs may share one array; the caller must never change it afterwards.
     * The page must not be RAM this machine has written (it must be absent).
     */
    public void mapShared(int ppn, byte[] bytes) {
        if (bytes.length != PAGE_SIZE) throw new IllegalArgumentException("a page is " + PAGE_SIZE + " bytes, not " + bytes.length);
        if (ppn < 0 || ppn >= pageCount) throw new IllegalArgumentException(String.format("page 0x%x is not RAM", ppn));
        Leaf l = leafFor(ppn);
        int i = ppn & LEAF_MASK;
        if (l.pages[i] != null || (l.out & bit(ppn)) != 0) {
            throw new IllegalStateException(String.format("page 0x%x is already in use; only an absent page can be shared", ppn));
        }
        l.pages[i] = bytes;
        l.shared |= bit(ppn);
        sharedPages++;
        pageChanged(ppn);
    }

    /** True when the page is mapped shared (copy-on-write) and not yet written. */
    public boolean isShared(int ppn) {
        Leaf l = ppn >= 0 && ppn < pageCount ? leaves[ppn >>> LEAF_SHIFT] : null;
        return l != null && (l.shared & bit(ppn)) != 0;
    }

    /** The page numbers of every owned page, ascending (what {@link #swapOut} would take). */
    public int[] ownedPageNumbers() {
        int[] out = new int[ownedPages];
        int n = 0;
        for (int d = 0; d < leaves.length; d++) {
            Leaf l = leaves[d];
            if (l == null) continue;
            for (int i = 0; i < LEAF_PAGES; i++) {
                if (l.pages[i] != null && (l.shared & 1L << i) == 0) out[n++] = d << LEAF_SHIFT | i;
            }
        }
        return out;
    }

    /**
     * Takes an owned page out of this RAM and returns its array (the caller stores the bytes and may
     * then reuse the array). Until {@link #swapIn} any access to the page throws
     * {@link IllegalStateException}: a VM must not run while swapped out, and this makes sure it cannot.
     */
    public byte[] swapOut(int ppn) {
        byte[] p = allocatedPage(ppn);
        if (p == null) throw new IllegalStateException(String.format("page 0x%x is not an owned page", ppn));
        Leaf l = leaves[ppn >>> LEAF_SHIFT];
        l.pages[ppn & LEAF_MASK] = null;
        l.out |= bit(ppn);
        ownedPages--;
        swappedPages++;
        pageChanged(ppn);
        return p;
    }

    /** Puts a page swapped out with {@link #swapOut} back, as this RAM's own array {@code bytes}. */
    public void swapIn(int ppn, byte[] bytes) {
        if (bytes.length != PAGE_SIZE) throw new IllegalArgumentException("a page is " + PAGE_SIZE + " bytes, not " + bytes.length);
        Leaf l = ppn >= 0 && ppn < pageCount ? leaves[ppn >>> LEAF_SHIFT] : null;
        if (l == null || (l.out & bit(ppn)) == 0) throw new IllegalStateException(String.format("page 0x%x is not swapped out", ppn));
        l.pages[ppn & LEAF_MASK] = bytes;
        l.out &= ~bit(ppn);
        swappedPages--;
        ownedPages++;
        pageChanged(ppn);
    }

    void addObserver(PageObserver observer) {
        observers = java.util.Arrays.copyOf(observers, observers.length + 1);
        observers[observers.length - 1] = observer;
    }

    private void pageChanged(int ppn) {
        for (PageObserver o : observers) o.pageChanged(ppn);
    }

    public int read8(int paddr) {
        byte[] p = pageForRead(paddr >>> PAGE_SHIFT);
        if (p == null) return unbacked(paddr, false) & 0xFF;
        return p[paddr & PAGE_MASK] & 0xFF;
    }

    /** Reads 16 bits; the caller guarantees the access does not cross a page. */
    public int read16(int paddr) {
        byte[] p = pageForRead(paddr >>> PAGE_SHIFT);
        if (p == null) return unbacked(paddr, false) & 0xFFFF;
        return (short) I16.get(p, paddr & PAGE_MASK) & 0xFFFF;
    }

    /** Reads 32 bits; the caller guarantees the access does not cross a page. */
    public int read32(int paddr) {
        byte[] p = pageForRead(paddr >>> PAGE_SHIFT);
        if (p == null) return unbacked(paddr, false);
        return (int) I32.get(p, paddr & PAGE_MASK);
    }

    public void write8(int paddr, int value) {
        byte[] p = pageForWrite(paddr >>> PAGE_SHIFT);
        if (p == null) { unbacked(paddr, true); return; }
        p[paddr & PAGE_MASK] = (byte) value;
    }

    /** Writes 16 bits; the caller guarantees the access does not cross a page. */
    public void write16(int paddr, int value) {
        byte[] p = pageForWrite(paddr >>> PAGE_SHIFT);
        if (p == null) { unbacked(paddr, true); return; }
        I16.set(p, paddr & PAGE_MASK, (short) value);
    }

    /** Writes 32 bits; the caller guarantees the access does not cross a page. */
    public void write32(int paddr, int value) {
        byte[] p = pageForWrite(paddr >>> PAGE_SHIFT);
        if (p == null) { unbacked(paddr, true); return; }
        I32.set(p, paddr & PAGE_MASK, value);
    }

    /** Copies bytes into RAM (image loading); fails loudly if any byte falls outside RAM. */
    public void load(long paddr, byte[] src, int off, int len) {
        if (paddr < 0 || paddr + len > size) {
            throw new IllegalArgumentException(String.format(
                    "cannot load %d bytes at 0x%x: guest RAM is 0x%x bytes", len, paddr, size));
        }
        while (len > 0) {
            int in = (int) (paddr & PAGE_MASK);
            int n = Math.min(len, PAGE_SIZE - in);
            System.arraycopy(src, off, pageForWrite((int) (paddr >>> PAGE_SHIFT)), in, n);
            paddr += n; off += n; len -= n;
        }
    }

    /**
     * Zeroes RAM (a loader's bss); never-written pages are already zero and stay unallocated.
     * Fails loudly if any byte falls outside RAM.
     */
    public void zero(long paddr, long len) {
        if (paddr < 0 || len < 0 || paddr + len > size) {
            throw new IllegalArgumentException(String.format(
                    "cannot zero %d bytes at 0x%x: guest RAM is 0x%x bytes", len, paddr, size));
        }
        while (len > 0) {
            int in = (int) (paddr & PAGE_MASK);
            int n = (int) Math.min(len, PAGE_SIZE - in);
            int ppn = (int) (paddr >>> PAGE_SHIFT);
            if (pageForRead(ppn) != ZERO_PAGE) java.util.Arrays.fill(pageForWrite(ppn), in, in + n, (byte) 0);
            paddr += n; len -= n;
        }
    }

    /** Copies bytes out of RAM; bytes outside RAM read as 0xFF. */
    public void copyOut(long paddr, byte[] dst, int off, int len) {
        for (int i = 0; i < len; i++) dst[off + i] = (byte) read8((int) (paddr + i));
    }
}
