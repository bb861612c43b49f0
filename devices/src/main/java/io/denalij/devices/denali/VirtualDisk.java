package io.denalij.devices.denali;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * One of a VM's disks, as port 0x300 sees it. Block reads and writes run on the VM's thread and move
 * whole 4 KiB blocks between guest RAM and the disk's mapping. A flush is split in two: {@link
 * #startFlush} (VM thread) captures what must become durable and returns the work for the I/O thread;
 * that work returns the step to apply back on the VM thread once it is done.
 */
public sealed interface VirtualDisk extends AutoCloseable permits ReadOnlyDisk, InPlaceDisk, OverlayDisk {

    /** Many VMs may share {@code base} this way; guest writes answer "read-only disk". */
    static VirtualDisk readOnly(BaseDisk base) {
        return new ReadOnlyDisk(base);
    }

    /** The VM owns {@code base} (opened writable) and writes it in place. */
    static VirtualDisk inPlace(BaseDisk base) {
        return new InPlaceDisk(base);
    }

    /**
     * The VM reads the shared, read-only {@code base} and keeps its own writes in {@code overlayFile},
     * created if missing, reopened (and validated against the base) if present.
     */
    static VirtualDisk copyOnWrite(BaseDisk base, Path overlayFile) throws IOException {
        return OverlayDisk.open(base, overlayFile);
    }

    /** Size in 4 KiB blocks (disk_blocks[i] in the register page). */
    long blocks();

    /** False when guest writes must fail with status {@link DiskStatus#READ_ONLY}. */
    boolean writable();

    /** Copies block {@code block} into guest RAM at {@code guestAddr} (4096 bytes, already checked to be RAM). */
    void read(long block, GuestMemoryAccess memory, int guestAddr);

    /** Copies 4096 bytes of guest RAM at {@code guestAddr} into block {@code block}. */
    void write(long block, GuestMemoryAccess memory, int guestAddr);

    /**
     * VM thread: captures every write made so far and returns the I/O-thread work that makes them
     * durable; that work returns the step the VM thread applies when the completion arrives.
     */
    Callable<Runnable> startFlush();

    /** Host side: reads block {@code block} as the guest would see it now (tools and tests). */
    void readBlock(long block, byte[] dst, int off);

    /** Releases what this VM holds; a shared base stays open. Call only when no flush is in flight. */
    @Override
    void close();
}
