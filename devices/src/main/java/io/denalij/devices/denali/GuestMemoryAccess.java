package io.denalij.devices.denali;

import io.denalij.mmu.PhysicalMemory;

/**
 * The only way a Denali device touches guest RAM. Every request block and every buffer must lie
 * entirely inside [0, mem_size): anything else (including a range that wraps past 4 GiB) is a guest
 * error and throws {@link DeviceAccessFault} before a single byte moves, so a request can never make
 * the host read or write outside the guest's RAM. Copies go a page at a time through
 * {@link PhysicalMemory}'s page arrays.
 */
public final class GuestMemoryAccess {
    /** Receives one piece of a guest range that lies inside a single page. */
    @FunctionalInterface
    public interface PageSpan {
        /**
         * @param page     the page's bytes (never-written pages are a shared zero page when reading)
         * @param offset   where the piece starts in {@code page}
         * @param length   bytes in the piece
         * @param progress bytes of the range that came before this piece
         */
        void accept(byte[] page, int offset, int length, long progress);
    }

    private final PhysicalMemory ram;

    public GuestMemoryAccess(PhysicalMemory ram) {
        this.ram = ram;
    }

    /** mem_size: bytes of guest RAM. */
    public long size() { return ram.size(); }

    /**
     * Fails unless [addr, addr + length) lies inside RAM. {@code addr} is a guest u32; {@code length}
     * may exceed 32 bits (a block count times 4 KiB) and is checked without overflow.
     */
    public void checkRange(int addr, long length, String what) {
        long start = Integer.toUnsignedLong(addr);
        if (length < 0) throw new IllegalArgumentException("negative length " + length);
        if (start >= ram.size()) {
            throw new DeviceAccessFault(start, what + " starts outside guest RAM");
        }
        if (length > ram.size() - start) {
            throw new DeviceAccessFault(ram.size(), String.format(
                    "%s of %d bytes at 0x%x runs past the end of guest RAM (0x%x bytes)", what, length, start, ram.size()));
        }
    }

    /** Reads a request block of {@code count} u32 fields, after checking the whole block is RAM. */
    public int[] readFields(int blockAddr, int count, String what) {
        checkRange(blockAddr, 4L * count, what);
        byte[] raw = new byte[4 * count];
        read(blockAddr, raw, 0, raw.length);
        int[] fields = new int[count];
        for (int i = 0; i < count; i++) {
            int b = 4 * i;
            fields[i] = (raw[b] & 0xFF) | (raw[b + 1] & 0xFF) << 8 | (raw[b + 2] & 0xFF) << 16 | (raw[b + 3] & 0xFF) << 24;
        }
        return fields;
    }

    /** Writes field {@code index} (a u32) of a request block; the block must be RAM. */
    public void writeField(int blockAddr, int index, int value) {
        int addr = blockAddr + 4 * index;
        checkRange(addr, 4, "request block field");
        byte[] raw = {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
        write(addr, raw, 0, 4);
    }

    /** Copies guest RAM into {@code dst}; the range must be RAM. */
    public void read(int addr, byte[] dst, int off, int length) {
        forEachSpan(addr, length, false, (page, in, n, done) -> System.arraycopy(page, in, dst, off + (int) done, n));
    }

    /** Copies {@code src} into guest RAM; the range must be RAM. */
    public void write(int addr, byte[] src, int off, int length) {
        forEachSpan(addr, length, true, (page, in, n, done) -> System.arraycopy(src, off + (int) done, page, in, n));
    }

    /**
     * Visits [addr, addr + length) page by page, after checking the whole range. With {@code forWrite}
     * the pages are the ones to write into (allocated, and code caches told), otherwise read-only views.
     */
    public void forEachSpan(int addr, long length, boolean forWrite, PageSpan visitor) {
        checkRange(addr, length, "buffer");
        long a = Integer.toUnsignedLong(addr);
        long done = 0;
        while (done < length) {
            int in = (int) (a & PhysicalMemory.PAGE_MASK);
            int n = (int) Math.min(length - done, PhysicalMemory.PAGE_SIZE - in);
            int ppn = (int) (a >>> PhysicalMemory.PAGE_SHIFT);
            byte[] page = forWrite ? ram.pageForWrite(ppn) : ram.pageForRead(ppn);
            visitor.accept(page, in, n, done);
            a += n;
            done += n;
        }
    }
}
