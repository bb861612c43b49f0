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

    private final long size;
    private final byte[][] pages;
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
        this.pages = new byte[(int) (sizeBytes >>> PAGE_SHIFT)][];
        this.writeWatch = new WriteWatch(pages.length, this::pageChanged);
    }

    /** Bytes of RAM. */
    public long size() { return size; }

    public int pageCount() { return pages.length; }

    /** Pages that have been allocated (touched by a write). */
    public int residentPages() {
        int n = 0;
        for (byte[] p : pages) if (p != null) n++;
        return n;
    }

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

    /** The page's bytes for reading, or null when the page number is not RAM. Never-written pages read as a shared zero page. */
    public byte[] pageForRead(int ppn) {
        if (ppn < 0 || ppn >= pages.length) return null;
        byte[] p = pages[ppn];
        return p != null ? p : ZERO_PAGE;
    }

    /** The page's bytes for writing (allocated on first use), or null when the page number is not RAM. */
    public byte[] pageForWrite(int ppn) {
        if (ppn < 0 || ppn >= pages.length) return null;
        byte[] p = pages[ppn];
        if (p == null) {
            pages[ppn] = p = new byte[PAGE_SIZE];
            pageChanged(ppn); // cached references to the shared zero page are now stale
        }
        if (writeWatch.watched(ppn)) writeWatch.hit(ppn);
        return p;
    }

    /** The page's own bytes if it has been allocated, else null; no side effects (the TLB uses it). */
    byte[] allocatedPage(int ppn) {
        return ppn >= 0 && ppn < pages.length ? pages[ppn] : null;
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
            if (pages[ppn] != null) java.util.Arrays.fill(pageForWrite(ppn), in, in + n, (byte) 0);
            paddr += n; len -= n;
        }
    }

    /** Copies bytes out of RAM; bytes outside RAM read as 0xFF. */
    public void copyOut(long paddr, byte[] dst, int off, int len) {
        for (int i = 0; i < len; i++) dst[off + i] = (byte) read8((int) (paddr + i));
    }
}
