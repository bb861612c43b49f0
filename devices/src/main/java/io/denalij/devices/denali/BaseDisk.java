package io.denalij.devices.denali;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A disk image: a fixed-size file of 4 KiB blocks, memory-mapped once. Opened read-only it can be
 * shared by any number of VMs, each through a {@link VirtualDisk#readOnly read-only} attachment or
 * its own {@link VirtualDisk#copyOnWrite copy-on-write overlay}; opened writable it belongs to exactly
 * one VM, which writes in place ({@link VirtualDisk#inPlace}). Closing it is its opener's job, after
 * every VM using it has been closed: closing unmaps the file, so {@link #close} refuses while any
 * attachment is still open.
 */
public final class BaseDisk implements AutoCloseable {
    public static final int BLOCK_SIZE = MappedBlockFile.BLOCK;

    private final MappedBlockFile file;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final AtomicInteger attachments = new AtomicInteger();

    private BaseDisk(MappedBlockFile file) {
        this.file = file;
    }

    /** Opens and maps a disk image; the size must be a non-empty multiple of 4096 bytes. */
    public static BaseDisk open(Path path, boolean writable) throws DiskOpenException {
        return new BaseDisk(MappedBlockFile.open(path, writable));
    }

    public Path path() { return file.path(); }

    public long blocks() { return file.size() / BLOCK_SIZE; }

    public boolean writable() { return file.writable(); }

    /** Host side: copies block {@code block} into {@code dst[off..off+4096)} (for tools and tests). */
    public void readBlock(long block, byte[] dst, int off) {
        file.read(offset(block), dst, off, BLOCK_SIZE);
    }

    void readBlock(long block, GuestMemoryAccess memory, int guestAddr) {
        file.toGuest(offset(block), memory, guestAddr);
    }

    void writeBlock(long block, GuestMemoryAccess memory, int guestAddr) {
        file.fromGuest(offset(block), memory, guestAddr);
    }

    void force() throws IOException {
        file.force();
    }

    /** A writable base is written in place by one VM only; a second attempt fails loudly. */
    void claimExclusive() {
        if (!writable()) throw new IllegalStateException(path() + " was opened read-only; it cannot be written in place");
        if (!claimed.compareAndSet(false, true)) {
            throw new IllegalStateException(path() + " is already attached read-write to another VM");
        }
    }

    void releaseExclusive() {
        claimed.set(false);
    }

    /** Counts a VM attachment; the base cannot be closed (unmapped) while one is open. */
    void attach() {
        attachments.incrementAndGet();
    }

    void detach() {
        attachments.decrementAndGet();
    }

    /** Open attachments (VMs using this base). */
    public int attachments() { return attachments.get(); }

    private long offset(long block) {
        if (block < 0 || block >= blocks()) {
            throw new IndexOutOfBoundsException("block " + block + " outside " + path() + " (" + blocks() + " blocks)");
        }
        return block * BLOCK_SIZE;
    }

    @Override
    public void close() {
        int n = attachments.get();
        if (n > 0) throw new IllegalStateException(path() + " is still attached to " + n + " VM disk(s); close them first");
        file.close();
    }
}
