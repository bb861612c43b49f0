package io.denalij.scheduler;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.bytes.MappedFile;
import net.openhft.chronicle.core.io.ReferenceOwner;

/**
 * Where swapped-out guest pages live: a sparse file of 4 KiB slots, memory-mapped once with
 * Chronicle Bytes, so storing or loading a page is one copy between the JVM heap and the page
 * cache (the kernel writes it to disk when it wants the memory). Slots are reused through a free
 * list. Owned by one thread (the gatekeeper); the file is deleted on {@link #close}.
 */
final class SwapFile implements AutoCloseable {
    static final int PAGE = 4096;

    private final Path path;
    private final boolean deleteOnClose;
    private final long capacity;
    private final MappedFile mappedFile;
    private final MappedBytesStore store;
    private final ReferenceOwner owner;
    private long[] free = new long[1024];
    private int freeCount;
    private long highWater;
    private long used;

    private SwapFile(Path path, boolean deleteOnClose, long capacity, MappedFile mappedFile, MappedBytesStore store,
                     ReferenceOwner owner) {
        this.owner = owner;
        this.path = path;
        this.deleteOnClose = deleteOnClose;
        this.capacity = capacity;
        this.mappedFile = mappedFile;
        this.store = store;
    }

    /** Creates a swap file of {@code capacityPages} slots at {@code path} (a temporary file when null). */
    static SwapFile create(Path path, long capacityPages) {
        try {
            Path p = path == null ? Files.createTempFile("denali-swap-", ".bin") : path;
            try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
                raf.setLength(0);
                raf.setLength(capacityPages * PAGE); // sparse: blocks are allocated as pages are written
            }
            MappedFile mf = MappedFile.ofSingle(p.toFile(), capacityPages * PAGE, false);
            ReferenceOwner owner = ReferenceOwner.temporary("denali-swap " + p);
            try {
                return new SwapFile(p, true, capacityPages, mf, mf.acquireByteStore(owner, 0), owner);
            } catch (IOException | RuntimeException e) {
                mf.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the swap file" + (path == null ? "" : " " + path) + ": " + e.getMessage(), e);
        }
    }

    /** Stores one page; returns its slot. */
    long store(byte[] page) {
        long slot;
        if (freeCount > 0) slot = free[--freeCount];
        else if (highWater < capacity) slot = highWater++;
        else throw new IllegalStateException("swap file " + path + " is full (" + capacity + " pages)");
        store.write(slot * PAGE, page, 0, PAGE);
        used++;
        return slot;
    }

    /** Copies the page in {@code slot} into {@code dst} and frees the slot. */
    void load(long slot, byte[] dst) {
        if (slot < 0 || slot >= highWater) throw new IllegalArgumentException("no swap slot " + slot);
        store.read(slot * PAGE, dst, 0, PAGE);
        if (freeCount == free.length) free = Arrays.copyOf(free, free.length * 2);
        free[freeCount++] = slot;
        used--;
    }

    /** Pages stored now. */
    long usedPages() { return used; }

    long capacityPages() { return capacity; }

    /** Pages the swap file can still take. */
    long freePages() { return capacity - used; }

    Path path() { return path; }

    @Override public void close() {
        store.release(owner);
        mappedFile.close();
        if (deleteOnClose) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // a leftover sparse file is harmless; nothing to report to the VMs
            }
        }
    }
}
