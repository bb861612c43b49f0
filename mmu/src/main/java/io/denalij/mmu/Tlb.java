package io.denalij.mmu;

import static io.denalij.mmu.PhysicalMemory.PAGE_MASK;
import static io.denalij.mmu.PhysicalMemory.PAGE_SHIFT;

import java.util.Arrays;

/**
 * A direct-mapped software TLB of 4 KiB translations (a 4 MiB page is cached one 4 KiB piece at
 * a time), indexed by the low bits of the virtual page number.
 *
 * <p>Each entry has two layers. The translation layer (linear page, physical page, rights) is what
 * a page walk found; {@link #lookup} serves the slow path from it. The fast layer is four tag
 * arrays, one per access class (supervisor/user x read/write), plus the page's {@code byte[]}: a
 * tag holds the entry's linear page base only while that class may touch {@link #data} directly,
 * so the {@link Mmu} fast path is one compare. Fast tags are withheld for pages outside RAM, write
 * tags for pages not yet allocated (the data is then the shared zero page) and for write-watched
 * pages (their writes must go through {@link PhysicalMemory} to bump the watch generation).
 *
 * <p>Write rights are cached only once the page's dirty bit is set, so the first write to a page
 * whose entry came from a read walks the tables again and sets D.
 */
final class Tlb implements PageObserver {
    /** Entries of a PC's TLB (a paged OS touches many pages); small machines ask for fewer. */
    static final int DEFAULT_ENTRIES = 1 << 10;
    /** Never a page base (those have the low 12 bits clear), so it never matches. */
    static final int INVALID = -1;

    /** Rights of an entry: what it lets each access class do without another walk. */
    static final int SUP_READ = 1, SUP_WRITE = 2, USER_READ = 4, USER_WRITE = 8, ALL = 15;

    /** Entries - 1: the index of a linear page is its low bits. */
    final int mask;
    final int[] supRead, supWrite, userRead, userWrite;
    final byte[][] data;

    private final PhysicalMemory ram;
    private final int[] base;
    private final int[] ppn;
    private final byte[] rights;
    private final boolean[] large;
    /** Entries cut from 4 MiB pages: while non-zero, INVLPG must drop the whole 4 MiB region. */
    private int largeEntries;
    private boolean empty = true;

    /**
     * {@code entries}: a power of two from 2 to 2^20. Not 1: with one entry, the page after an
     * entry's page would share its slot, and an access that starts on one page and ends on the next
     * would match the entry of the second while indexing from the first (the fast paths rely on a
     * match meaning the whole access lies in the entry's page).
     */
    Tlb(PhysicalMemory ram, int entries) {
        if (entries < 2 || entries > 1 << 20 || Integer.bitCount(entries) != 1) {
            throw new IllegalArgumentException("TLB entries must be a power of two from 2 to 2^20, not " + entries);
        }
        this.ram = ram;
        this.mask = entries - 1;
        supRead = invalid(entries); supWrite = invalid(entries); userRead = invalid(entries); userWrite = invalid(entries);
        base = invalid(entries);
        data = new byte[entries][];
        ppn = new int[entries];
        rights = new byte[entries];
        large = new boolean[entries];
        ram.addObserver(this);
    }

    private static int[] invalid(int entries) {
        int[] a = new int[entries];
        Arrays.fill(a, INVALID);
        return a;
    }

    int entries() { return mask + 1; }

    int index(int linear) { return (linear >>> PAGE_SHIFT) & mask; }

    /** The rights bit an access ({@code Mmu.ACCESS_*} bits) needs. */
    static int rightFor(int access) {
        boolean write = (access & Mmu.ACCESS_WRITE) != 0;
        if ((access & Mmu.ACCESS_USER) != 0) return write ? USER_WRITE : USER_READ;
        return write ? SUP_WRITE : SUP_READ;
    }

    /** The physical page number of a cached translation that allows {@code right}, else -1. */
    int lookup(int linear, int right) {
        int i = index(linear);
        return base[i] == (linear & ~PAGE_MASK) && (rights[i] & right) != 0 ? ppn[i] : -1;
    }

    void insert(int linear, int physPage, int entryRights, boolean fromLargePage) {
        int i = index(linear);
        clear(i);
        base[i] = linear & ~PAGE_MASK;
        ppn[i] = physPage;
        rights[i] = (byte) entryRights;
        if (fromLargePage) {
            large[i] = true;
            largeEntries++;
        }
        empty = false;
    }

    /**
     * Opens the fast path for the entry covering {@code linear}, as far as the page's current
     * state allows (see the class comment). Called after every slow-path translation, so a page that
     * has since been allocated or unwatched gets its fast tags back.
     */
    void arm(int linear) {
        int i = index(linear);
        int page = linear & ~PAGE_MASK;
        if (base[i] != page) return;
        byte[] bytes = ram.pageForRead(ppn[i]);
        if (bytes == null) return; // not RAM: every access takes PhysicalMemory's accessors
        // Fast paths (the translator's among them) read and write a matched entry's array without a
        // bounds check: open them only for an array of exactly one page.
        if (bytes.length != PhysicalMemory.PAGE_SIZE) return;
        int r = rights[i];
        data[i] = bytes;
        if ((r & SUP_READ) != 0) supRead[i] = page;
        if ((r & USER_READ) != 0) userRead[i] = page;
        if (bytes == ram.allocatedPage(ppn[i]) && !ram.writeWatch().watched(ppn[i])) {
            if ((r & SUP_WRITE) != 0) supWrite[i] = page;
            if ((r & USER_WRITE) != 0) userWrite[i] = page;
        }
    }

    /** INVLPG: drops the page's entry and, for a 4 MiB page, every piece of it. */
    void invalidate(int linear) {
        int i = index(linear);
        int page = linear & ~PAGE_MASK;
        if (base[i] == page) clear(i);
        if (largeEntries == 0) return;
        int region = linear >>> 22;
        for (int j = 0; j <= mask; j++) {
            if (large[j] && base[j] >>> 22 == region) clear(j);
        }
    }

    void flush() {
        if (empty) return;
        Arrays.fill(supRead, INVALID);
        Arrays.fill(supWrite, INVALID);
        Arrays.fill(userRead, INVALID);
        Arrays.fill(userWrite, INVALID);
        Arrays.fill(base, INVALID);
        Arrays.fill(data, null);
        Arrays.fill(large, false);
        largeEntries = 0;
        empty = true;
    }

    /** The page's array changed or it became watched: close the fast path of every entry on it. */
    @Override public void pageChanged(int physPage) {
        if (empty) return;
        for (int i = 0; i <= mask; i++) {
            if (ppn[i] == physPage && base[i] != INVALID) closeFast(i);
        }
    }

    private void clear(int i) {
        closeFast(i);
        base[i] = INVALID;
        if (large[i]) {
            large[i] = false;
            largeEntries--;
        }
    }

    private void closeFast(int i) {
        supRead[i] = supWrite[i] = userRead[i] = userWrite[i] = INVALID;
        data[i] = null;
    }
}
