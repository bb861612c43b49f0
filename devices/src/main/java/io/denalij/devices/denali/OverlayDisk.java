package io.denalij.devices.denali;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A per-VM copy-on-write overlay on a shared, read-only base disk. The overlay file (format in
 * docs/DENALI-DISKS.md) holds a header block, a block map (one u32 per base block: 0 = the base's
 * block, s + 1 = data slot s) and data slots of 4 KiB.
 *
 * <p>Crash safety comes from never overwriting what the durable map points at. A guest write goes to
 * a slot the on-disk map does not reference, and only the in-memory {@code pending} map knows about it.
 * A flush forces the data slots, then writes the map entries, then forces again; only then is the
 * slot the map used to name freed for reuse. So after a crash (kill -9 or power loss) each block reads
 * either as of its last completed flush or, for a map entry written by a flush that had not finished,
 * the complete newer block whose data was forced first; never a mix, and never damage to a block
 * flushed earlier. Writes that were never flushed are simply lost.
 *
 * <p>A block can need three slots at once (durable, being flushed, written since), so the file has
 * 3 x base-blocks slots; it is created sparse, so only written slots take space.
 */
final class OverlayDisk implements VirtualDisk {
    static final long MAGIC = 0x3157_4F43_494C_4E44L; // "DNLICOW1" read as a little-endian u64
    static final int VERSION = 1;
    static final int BLOCK = MappedBlockFile.BLOCK;
    static final int SLOTS_PER_BLOCK = 3;
    static final long MAP_OFFSET = BLOCK;

    private final BaseDisk base;
    private final MappedBlockFile overlay;
    private final long blocks;
    private final long slotCount;
    private final long dataOffset;
    /** Slots referenced by the durable map, a flush in progress, or a pending write. */
    private final BitSet usedSlots;
    private int searchFrom;
    /** block -> slot written since the last flush started; VM thread only. */
    private HashMap<Long, Integer> pending = new HashMap<>();
    /** Captured pending maps being made durable, oldest first; VM thread only. */
    private final ArrayDeque<Map<Long, Integer>> flushing = new ArrayDeque<>();

    private OverlayDisk(BaseDisk base, MappedBlockFile overlay, BitSet usedSlots) {
        this.base = base;
        this.overlay = overlay;
        this.blocks = base.blocks();
        this.slotCount = blocks * SLOTS_PER_BLOCK;
        this.dataOffset = dataOffset(blocks);
        this.usedSlots = usedSlots;
        base.attach();
    }

    static long mapBytes(long blocks) {
        return (blocks * 4 + BLOCK - 1) / BLOCK * BLOCK;
    }

    static long dataOffset(long blocks) {
        return MAP_OFFSET + mapBytes(blocks);
    }

    static long fileSize(long blocks) {
        return dataOffset(blocks) + blocks * SLOTS_PER_BLOCK * BLOCK;
    }

    static OverlayDisk open(BaseDisk base, Path file) throws IOException {
        if (base.writable()) {
            throw new IllegalArgumentException(base.path() + " was opened writable; a shared base must be opened read-only");
        }
        long blocks = base.blocks();
        if (blocks * SLOTS_PER_BLOCK >= 0xFFFF_FFFFL) {
            throw new DiskOpenException(base.path(), "too large for a copy-on-write overlay (" + blocks + " blocks)");
        }
        if (!Files.exists(file)) create(file, blocks);
        MappedBlockFile overlay = MappedBlockFile.open(file, true);
        try {
            BitSet used = validate(overlay, blocks);
            return new OverlayDisk(base, overlay, used);
        } catch (IOException | RuntimeException e) {
            overlay.close();
            throw e;
        }
    }

    /** Writes a new overlay under a temporary name, forces it, then renames it into place. */
    private static void create(Path file, long blocks) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        MappedBlockFile.createSparse(tmp, fileSize(blocks));
        try (MappedBlockFile f = MappedBlockFile.open(tmp, true)) {
            byte[] header = new byte[48];
            java.nio.ByteBuffer h = java.nio.ByteBuffer.wrap(header).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            h.putLong(MAGIC).putInt(VERSION).putInt(BLOCK).putLong(blocks).putLong(blocks * SLOTS_PER_BLOCK)
                    .putLong(MAP_OFFSET).putLong(dataOffset(blocks));
            f.write(0, header, 0, header.length);
            f.force();
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        Path dir = file.toAbsolutePath().getParent();
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // makes the rename itself durable
        } catch (IOException ignored) {
            // Some file systems cannot sync a directory; the overlay is still complete if it exists.
        }
    }

    /** Checks the header against the base and the map for sane, unshared slots; returns the used slots. */
    private static BitSet validate(MappedBlockFile f, long blocks) throws DiskOpenException {
        Path p = f.path();
        if (f.size() != fileSize(blocks)) {
            throw new DiskOpenException(p, "overlay is " + f.size() + " bytes, expected " + fileSize(blocks) + " for a " + blocks + "-block base");
        }
        if (f.readLong(0) != MAGIC) throw new DiskOpenException(p, "not a Denali copy-on-write overlay (bad magic)");
        if (f.readInt(8) != VERSION) throw new DiskOpenException(p, "overlay version " + f.readInt(8) + " is not " + VERSION);
        if (f.readInt(12) != BLOCK || f.readLong(16) != blocks || f.readLong(24) != blocks * SLOTS_PER_BLOCK
                || f.readLong(32) != MAP_OFFSET || f.readLong(40) != dataOffset(blocks)) {
            throw new DiskOpenException(p, "overlay was made for a base of " + f.readLong(16) + " blocks, not this one of " + blocks);
        }
        long slots = blocks * SLOTS_PER_BLOCK;
        BitSet used = new BitSet((int) Math.min(slots, Integer.MAX_VALUE));
        for (long b = 0; b < blocks; b++) {
            long e = Integer.toUnsignedLong(f.readInt(MAP_OFFSET + 4 * b));
            if (e == 0) continue;
            if (e > slots) throw new DiskOpenException(p, "overlay map entry for block " + b + " names slot " + (e - 1) + " of " + slots);
            if (used.get((int) (e - 1))) throw new DiskOpenException(p, "overlay map names slot " + (e - 1) + " twice");
            used.set((int) (e - 1));
        }
        return used;
    }

    @Override public long blocks() { return blocks; }

    @Override public boolean writable() { return true; }

    /** Where the guest's current copy of {@code block} lives: a slot, or -1 for the base. */
    private int slotOf(long block) {
        Integer s = pending.get(block);
        if (s != null) return s;
        for (var it = flushing.descendingIterator(); it.hasNext(); ) {
            s = it.next().get(block);
            if (s != null) return s;
        }
        return durableEntry(block) - 1;
    }

    private int durableEntry(long block) {
        return overlay.readInt(MAP_OFFSET + 4 * block);
    }

    private long slotOffset(int slot) {
        return dataOffset + (long) slot * BLOCK;
    }

    @Override
    public void read(long block, GuestMemoryAccess memory, int guestAddr) {
        checkBlock(block);
        int slot = slotOf(block);
        if (slot < 0) base.readBlock(block, memory, guestAddr);
        else overlay.toGuest(slotOffset(slot), memory, guestAddr);
    }

    @Override
    public void write(long block, GuestMemoryAccess memory, int guestAddr) {
        checkBlock(block);
        Integer slot = pending.get(block);
        if (slot == null) {
            // Never overwrite a slot the durable map or a flush in progress may name: take a fresh one.
            slot = allocateSlot();
            pending.put(block, slot);
        }
        overlay.fromGuest(slotOffset(slot), memory, guestAddr);
    }

    private int allocateSlot() {
        int s = usedSlots.nextClearBit(searchFrom);
        if (s >= slotCount) {
            s = usedSlots.nextClearBit(0);
            if (s >= slotCount) throw new IllegalStateException(overlay.path() + ": no free overlay slot (cannot happen with 3 per block)");
        }
        usedSlots.set(s);
        searchFrom = s + 1;
        return s;
    }

    private void freeSlot(int s) {
        usedSlots.clear(s);
        if (s < searchFrom) searchFrom = s;
    }

    @Override
    public Callable<Runnable> startFlush() {
        Map<Long, Integer> batch = pending;
        pending = new HashMap<>();
        flushing.addLast(batch);
        return () -> {
            // I/O thread. The VM thread reads these blocks through `flushing` until the completion is
            // applied, so it never looks at the map entries written here.
            overlay.force();
            int[] freed = new int[batch.size()];
            int n = 0;
            for (Map.Entry<Long, Integer> e : batch.entrySet()) {
                long at = MAP_OFFSET + 4 * e.getKey();
                int old = overlay.readInt(at);
                overlay.writeInt(at, e.getValue() + 1);
                if (old != 0) freed[n++] = old - 1;
            }
            overlay.force();
            int count = n;
            return () -> {
                if (flushing.pollFirst() != batch) throw new IllegalStateException("overlay flushes completed out of order");
                for (int i = 0; i < count; i++) freeSlot(freed[i]);
            };
        };
    }

    @Override
    public void readBlock(long block, byte[] dst, int off) {
        checkBlock(block);
        int slot = slotOf(block);
        if (slot < 0) base.readBlock(block, dst, off);
        else overlay.read(slotOffset(slot), dst, off, BLOCK);
    }

    /** Blocks whose current copy lives in the overlay (for tests and tools). */
    long overlayBlocks() {
        long n = 0;
        for (long b = 0; b < blocks; b++) if (slotOf(b) >= 0) n++;
        return n;
    }

    private void checkBlock(long block) {
        if (block < 0 || block >= blocks) throw new IndexOutOfBoundsException("block " + block + " of " + blocks);
    }

    @Override
    public void close() {
        if (overlay.isClosed()) return;
        overlay.close();
        base.detach();
    }
}
