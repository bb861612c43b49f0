package io.denalij.mmu;

import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * Per-page write bookkeeping for code caches: a cache marks the pages it decoded from, and every
 * write to a marked page bumps that page's generation, so a cached decode can tell in O(1) that it
 * is stale (self-modifying code) without scanning.
 *
 * <p>The tables cover only the pages up to the highest one ever watched (code usually sits low),
 * so a machine with a large RAM does not pay an int per page for pages that never held code.
 */
public final class WriteWatch {
    private final int pages;
    private long[] watchedBits = new long[0];
    private int[] generation = new int[0];
    /** Writes that hit a watched page, over all pages (see {@link #hits}). */
    private int hits;
    /** Told when a page becomes watched: writers that bypass {@link PhysicalMemory} must stop doing so. */
    private final IntConsumer onArm;

    WriteWatch(int pages, IntConsumer onArm) {
        this.pages = pages;
        this.onArm = onArm;
    }

    public void watch(int ppn) {
        if (watched(ppn)) return;
        if (ppn < 0 || ppn >= pages) throw new IllegalArgumentException(String.format("page 0x%x is not RAM", ppn));
        if (ppn >= generation.length) grow(ppn);
        watchedBits[ppn >>> 6] |= 1L << ppn;
        onArm.accept(ppn);
    }

    private void grow(int ppn) {
        int n = Math.min(pages, Math.max(ppn + 1, 2 * generation.length));
        generation = Arrays.copyOf(generation, n);
        watchedBits = Arrays.copyOf(watchedBits, (n + 63) >>> 6);
    }

    public boolean watched(int ppn) {
        return ppn < generation.length && (watchedBits[ppn >>> 6] & (1L << ppn)) != 0;
    }

    /** The page's generation: changes whenever a watched page is written. */
    public int generation(int ppn) { return ppn < generation.length ? generation[ppn] : 0; }

    /**
     * How many times a watched page has been written, over all pages: while it stays the same, no
     * page's generation changed, which is a cheaper question than comparing each page's.
     */
    public int hits() { return hits; }

    void hit(int ppn) {
        hits++;
        generation[ppn]++;
        watchedBits[ppn >>> 6] &= ~(1L << ppn); // the cache re-arms the watch when it decodes the page again
    }
}
