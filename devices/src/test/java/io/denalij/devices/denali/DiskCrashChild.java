package io.denalij.devices.denali;

import static io.denalij.devices.denali.DiskImages.BLOCK;

import io.denalij.mmu.PhysicalMemory;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs in a child JVM that {@link DiskCrashTest} kills with SIGKILL. Drives one VM's disk through
 * port 0x300 exactly as a guest would and tells the parent on stdout what has been flushed.
 *
 * <ul>
 *   <li>{@code overlay BASE OVERLAY}: forever, for generation g = 1, 2, ...: write blocks 0-7 as
 *       generation g, write blocks 8-15 as generation g, flush, print "FLUSHED g", then rewrite blocks
 *       0-3 as generation g + 1000000 without flushing, so a kill can land anywhere, including in the
 *       middle of a write or a flush.</li>
 *   <li>{@code inplace IMAGE}: write blocks 0-7 as generation 1, flush, write blocks 8-15 as
 *       generation 2 without flushing, print "WROTE", then wait to be killed.</li>
 * </ul>
 */
public final class DiskCrashChild {
    static final int REQ = 0x1000;
    static final int BUF = 0x10000;

    private final DenaliDevices devices;
    private final GuestMemoryAccess mem;

    private DiskCrashChild(DenaliDevices devices, PhysicalMemory ram) {
        this.devices = devices;
        this.mem = new GuestMemoryAccess(ram);
    }

    public static void main(String[] args) throws Exception {
        IoExecutor io = new IoExecutor(1);
        PhysicalMemory ram = new PhysicalMemory(1 << 20);
        boolean overlay = args[0].equals("overlay");
        BaseDisk base = BaseDisk.open(Path.of(args[1]), !overlay);
        VirtualDisk disk = overlay ? VirtualDisk.copyOnWrite(base, Path.of(args[2])) : VirtualDisk.inPlace(base);
        DenaliDevices devices = new DenaliDevices(ram, System::nanoTime, OutputStream.nullOutputStream(), List.of(disk), io, () -> {});
        DiskCrashChild child = new DiskCrashChild(devices, ram);
        if (overlay) child.overlayLoop();
        else child.inPlaceOnce();
    }

    private void overlayLoop() throws InterruptedException {
        for (long gen = 1; ; gen++) {
            write(0, 16, gen);
            flush();
            System.out.println("FLUSHED " + gen);
            System.out.flush();
            write(0, 4, gen + 1_000_000);
            Thread.sleep(1); // spend real time with unflushed writes outstanding, so kills land here too
        }
    }

    private void inPlaceOnce() throws InterruptedException {
        write(0, 8, 1);
        flush();
        write(8, 8, 2);
        System.out.println("WROTE");
        System.out.flush();
        Thread.sleep(600_000);
    }

    private void write(int first, int count, long gen) {
        for (int i = 0; i < count; i++) {
            byte[] b = DiskImages.content(gen, first + i);
            mem.write(BUF + i * BLOCK, b, 0, BLOCK);
        }
        request(2, first, count);
        devices.boundary(0);
        if (status() != DiskStatus.OK) throw new IllegalStateException("write failed: status " + status());
    }

    private void flush() throws InterruptedException {
        request(3, 0, 0);
        while (status() == DiskStatus.PENDING) {
            Thread.sleep(0, 100_000);
            devices.boundary(0);
        }
        if (status() != DiskStatus.OK) throw new IllegalStateException("flush failed: status " + status());
    }

    private void request(int op, int block, int count) {
        int[] f = {op, 0, block, count, BUF, 0xEEEE};
        for (int i = 0; i < f.length; i++) mem.writeField(REQ, i, f[i]);
        devices.out(0x300, REQ);
    }

    private int status() {
        return mem.readFields(REQ + 20, 1, "status")[0];
    }
}
