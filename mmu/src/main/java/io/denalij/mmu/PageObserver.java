package io.denalij.mmu;

/**
 * Someone holding direct references to {@link PhysicalMemory} page arrays (the TLB's fast path).
 * Told when the array behind a page changes (first allocation replaces the shared zero page) or
 * when the page becomes write-watched, so that it drops those references.
 */
interface PageObserver {
    void pageChanged(int ppn);
}
