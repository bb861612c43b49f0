package io.denalij.mmu;

import java.util.function.IntConsumer;

/**
 * Per-page write bookkeeping for code caches: a cache marks the pages it decoded from, and every
 * write to a marked page bumps that page's generation, so a cached decode can tell in O(1) that it
 * is stale (self-modifying code) without scanning.
 */
public final class WriteWatch {
    private final long[] watchedBits;
    private final int[] generation;
    /** Told when a page becomes watched: writers that bypass {@link PhysicalMemory} must stop doing so. */
    private final IntConsumer onArm;

    WriteWatch(int pages, IntConsumer onArm) {
        watchedBits = new long[(pages + 63) >>> 6];
        generation = new int[pages];
        this.onArm = onArm;
    }

    public void watch(int ppn) {
        if (watched(ppn)) return;
        watchedBits[ppn >>> 6] |= 1L << ppn;
        onArm.accept(ppn);
    }

    public boolean watched(int ppn) { return (watchedBits[ppn >>> 6] & (1L << ppn)) != 0; }

    /** The page's generation: changes whenever a watched page is written. */
    public int generation(int ppn) { return generation[ppn]; }

    void hit(int ppn) {
        generation[ppn]++;
        watchedBits[ppn >>> 6] &= ~(1L << ppn); // the cache re-arms the watch when it decodes the page again
    }
}
