package io.denalij.devices.denali;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.bytes.MappedFile;
import net.openhft.chronicle.core.io.ReferenceOwner;

/**
 * A whole file mapped into memory with Chronicle Bytes as one region of fixed size. Chronicle's stores
 * do not bounds-check, so every access here does: nothing can touch a byte outside the file. The file
 * never grows: its size is checked to be a non-empty multiple of 4 KiB before it is mapped.
 *
 * <p>Reads and writes go straight to the shared mapping (the page cache), so they survive the JVM
 * being killed; {@link #force} (fdatasync of the file, which on Linux also writes back pages dirtied
 * through the mapping) makes them survive the machine losing power.
 */
final class MappedBlockFile implements AutoCloseable {
    static final int BLOCK = 4096;

    private final Path path;
    private final long size;
    private final boolean writable;
    private final MappedFile mappedFile;
    private final MappedBytesStore store;
    private final ReferenceOwner owner;
    private boolean closed;

    private MappedBlockFile(Path path, long size, boolean writable, MappedFile mappedFile, MappedBytesStore store, ReferenceOwner owner) {
        this.path = path;
        this.size = size;
        this.writable = writable;
        this.mappedFile = mappedFile;
        this.store = store;
        this.owner = owner;
    }

    /** Maps an existing file; fails with a message naming it if it is missing, empty or not whole 4 KiB blocks. */
    static MappedBlockFile open(Path path, boolean writable) throws DiskOpenException {
        if (!Files.exists(path)) throw new DiskOpenException(path, "no such file");
        if (!Files.isRegularFile(path)) throw new DiskOpenException(path, "not a regular file");
        if (writable && !Files.isWritable(path)) throw new DiskOpenException(path, "not writable");
        if (!Files.isReadable(path)) throw new DiskOpenException(path, "not readable");
        long size;
        try {
            size = Files.size(path);
        } catch (IOException e) {
            throw new DiskOpenException(path, "cannot read its size (" + e.getMessage() + ")", e);
        }
        if (size == 0) throw new DiskOpenException(path, "empty file (a disk needs at least one 4096-byte block)");
        if (size % BLOCK != 0) {
            throw new DiskOpenException(path, "size " + size + " bytes is not a multiple of the 4096-byte block size");
        }
        ReferenceOwner owner = ReferenceOwner.temporary("denali-disk " + path);
        MappedFile mf;
        try {
            mf = MappedFile.ofSingle(path.toFile(), size, !writable);
        } catch (IOException e) {
            throw new DiskOpenException(path, "cannot open (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            throw new DiskOpenException(path, "cannot map (" + e + ")", e);
        }
        try {
            MappedBytesStore store = mf.acquireByteStore(owner, 0);
            return new MappedBlockFile(path, size, writable, mf, store, owner);
        } catch (IOException | RuntimeException e) {
            mf.close();
            throw new DiskOpenException(path, "cannot map (" + e + ")", e);
        }
    }

    /** Creates (or replaces) a file of {@code size} bytes of zeros; sparse where the file system allows. */
    static void createSparse(Path path, long size) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
            raf.setLength(0);
            raf.setLength(size);
        }
    }

    Path path() { return path; }

    long size() { return size; }

    boolean writable() { return writable; }

    private void check(long offset, long length) {
        if (closed) throw new IllegalStateException(path + " is closed");
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IndexOutOfBoundsException(String.format("%s: %d bytes at %d outside the %d-byte file", path, length, offset, size));
        }
    }

    private void checkWritable() {
        if (!writable) throw new IllegalStateException(path + " is mapped read-only");
    }

    /** Copies file bytes into {@code dst}. */
    void read(long offset, byte[] dst, int off, int length) {
        check(offset, length);
        store.read(offset, dst, off, length);
    }

    /** Copies {@code src} into the file. */
    void write(long offset, byte[] src, int off, int length) {
        checkWritable();
        check(offset, length);
        store.write(offset, src, off, length);
    }

    /** Copies one whole block between the file and guest RAM (either direction). */
    void toGuest(long offset, GuestMemoryAccess memory, int guestAddr) {
        check(offset, BLOCK);
        memory.forEachSpan(guestAddr, BLOCK, true, (page, in, n, done) -> store.read(offset + done, page, in, n));
    }

    void fromGuest(long offset, GuestMemoryAccess memory, int guestAddr) {
        checkWritable();
        check(offset, BLOCK);
        memory.forEachSpan(guestAddr, BLOCK, false, (page, in, n, done) -> store.write(offset + done, page, in, n));
    }

    int readInt(long offset) {
        check(offset, 4);
        return store.readVolatileInt(offset);
    }

    /** A 4-byte aligned store, so a map entry is never seen half-written. */
    void writeInt(long offset, int value) {
        checkWritable();
        check(offset, 4);
        if ((offset & 3) != 0) throw new IllegalArgumentException("unaligned int at " + offset);
        store.writeOrderedInt(offset, value);
    }

    long readLong(long offset) {
        check(offset, 8);
        return store.readLong(offset);
    }

    /** Makes everything written so far durable. Safe to call from an I/O thread while the VM thread writes. */
    void force() throws IOException {
        if (!writable) return;
        mappedFile.raf().getChannel().force(false);
    }

    boolean isClosed() { return closed; }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        store.release(owner);
        mappedFile.close();
    }
}
