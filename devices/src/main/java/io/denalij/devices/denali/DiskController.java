package io.denalij.devices.denali;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.jctools.queues.MpscArrayQueue;

/**
 * Port 0x300 of one VM: request block {op, disk, block, count, addr, status}.
 *
 * <p>Reads and writes move their data when the guest issues them (the mapping is memory, so this
 * costs a copy, not a wait), but their completion (final status plus the DISK interrupt) is held back
 * to the next quantum boundary, as for a device that answers asynchronously. A flush goes to the
 * shared {@link IoExecutor}; its completion comes back through an MPSC queue and is applied at the
 * first boundary after it arrives. A flush is a barrier for the whole VM: it completes only after every
 * write the VM made (to any of its disks) before the flush was issued is durable. At most one flush per
 * VM runs at a time; flushes issued meanwhile are served together by the next one.
 *
 * <p>Status is written 0 (pending) when a request is accepted; the buffer of a read or write, and the
 * request block itself, must lie in guest RAM or the request is a guest fault before anything happens.
 */
final class DiskController {
    public static final int OP_READ = 1;
    public static final int OP_WRITE = 2;
    public static final int OP_FLUSH = 3;
    /** Requests a VM may have outstanding (completions not yet delivered) before it gets {@link DiskStatus#BUSY}. */
    public static final int MAX_OUTSTANDING = 1024;
    public static final int MAX_DISKS = 4;
    private static final int STATUS_FIELD = 5;

    private record Completion(int requestBlock, int status) {}

    /** What the I/O thread hands back: the steps to apply on the VM thread, or the failure. */
    private record FlushDone(List<Runnable> apply, Throwable failure) {}

    private final GuestMemoryAccess memory;
    private final List<VirtualDisk> disks;
    private final IoExecutor io;
    private final Runnable wakeup;
    private final MpscArrayQueue<FlushDone> flushDone = new MpscArrayQueue<>(4);

    /** Read/write/error completions to deliver at the next boundary. */
    private final List<Completion> ready = new ArrayList<>();
    /** Flush requests served by the flush now running, and those waiting for the next one. */
    private List<Integer> flushRunning = new ArrayList<>();
    private List<Integer> flushWaiting = new ArrayList<>();
    private Future<?> flushTask;
    private boolean failed;
    private long completed;

    DiskController(GuestMemoryAccess memory, List<VirtualDisk> disks, IoExecutor io, Runnable wakeup) {
        if (disks.size() > MAX_DISKS) throw new IllegalArgumentException("at most " + MAX_DISKS + " disks, not " + disks.size());
        this.memory = memory;
        this.disks = List.copyOf(disks);
        this.io = io;
        this.wakeup = wakeup;
    }

    List<VirtualDisk> disks() { return disks; }

    /** {@code out 0x300}. */
    void request(int block) {
        int[] f = memory.readFields(block, 6, "disk request block");
        int op = f[0];
        int disk = f[1];
        long first = Integer.toUnsignedLong(f[2]);
        long count = Integer.toUnsignedLong(f[3]);
        int addr = f[4];
        if (op == OP_READ || op == OP_WRITE) {
            memory.checkRange(addr, count * BaseDisk.BLOCK_SIZE, "disk buffer");
        }
        if (outstanding() >= MAX_OUTSTANDING) {
            memory.writeField(block, STATUS_FIELD, DiskStatus.BUSY);
            return;
        }
        memory.writeField(block, STATUS_FIELD, DiskStatus.PENDING);
        int status = switch (op) {
            case OP_READ, OP_WRITE -> transfer(op, disk, first, count, addr);
            case OP_FLUSH -> validDisk(disk) ? queueFlush(block) : DiskStatus.BAD_DISK;
            default -> DiskStatus.BAD_OP;
        };
        if (status != DiskStatus.PENDING) ready.add(new Completion(block, status));
    }

    private boolean validDisk(int disk) {
        return disk >= 0 && disk < disks.size();
    }

    private int transfer(int op, int diskNo, long first, long count, int addr) {
        if (!validDisk(diskNo)) return DiskStatus.BAD_DISK;
        VirtualDisk disk = disks.get(diskNo);
        if (first + count > disk.blocks()) return DiskStatus.BAD_RANGE;
        if (op == OP_WRITE && !disk.writable()) return DiskStatus.READ_ONLY;
        if (failed) return DiskStatus.IO_ERROR;
        try {
            for (long i = 0; i < count; i++) {
                int at = addr + (int) (i * BaseDisk.BLOCK_SIZE);
                if (op == OP_READ) disk.read(first + i, memory, at);
                else disk.write(first + i, memory, at);
            }
        } catch (InternalError e) {
            // The JVM reports a fault on a mapped file this way (a backing file truncated under us).
            failed = true;
            return DiskStatus.IO_ERROR;
        }
        return DiskStatus.OK;
    }

    private int queueFlush(int block) {
        if (failed) return DiskStatus.IO_ERROR;
        flushWaiting.add(block);
        if (flushTask == null) startFlush();
        return DiskStatus.PENDING;
    }

    /** Captures every write so far on every disk and hands the forcing to the I/O threads. */
    private void startFlush() {
        List<Callable<Runnable>> work = new ArrayList<>(disks.size());
        for (VirtualDisk d : disks) work.add(d.startFlush());
        flushRunning = flushWaiting;
        flushWaiting = new ArrayList<>();
        flushTask = io.submit(() -> {
            List<Runnable> apply = new ArrayList<>(work.size());
            Throwable failure = null;
            try {
                for (Callable<Runnable> w : work) apply.add(w.call());
            } catch (Throwable t) {
                failure = t;
            }
            // Capacity 4 with at most one flush in flight: cannot be full.
            if (!flushDone.offer(new FlushDone(apply, failure))) throw new IllegalStateException("flush completion queue full");
            wakeup.run();
        });
    }

    /** At a quantum boundary: delivers completions; returns {@link DenaliInterrupts#DISK} if any. */
    int boundary() {
        int delivered = 0;
        FlushDone done;
        while ((done = flushDone.relaxedPoll()) != null) {
            flushTask = null;
            int status = DiskStatus.OK;
            if (done.failure() != null) {
                failed = true;
                status = DiskStatus.IO_ERROR;
            } else {
                for (Runnable r : done.apply()) r.run();
            }
            for (int b : flushRunning) { memory.writeField(b, STATUS_FIELD, status); delivered++; }
            flushRunning = new ArrayList<>();
            if (!flushWaiting.isEmpty()) {
                if (failed) {
                    for (int b : flushWaiting) ready.add(new Completion(b, DiskStatus.IO_ERROR));
                    flushWaiting = new ArrayList<>();
                } else {
                    startFlush();
                }
            }
        }
        for (Completion c : ready) { memory.writeField(c.requestBlock(), STATUS_FIELD, c.status()); delivered++; }
        ready.clear();
        completed += delivered;
        return delivered > 0 ? DenaliInterrupts.DISK : 0;
    }

    /** True when a boundary now would deliver a completion (any thread may ask about the flush queue). */
    boolean completionsWaiting() {
        return !ready.isEmpty() || !flushDone.isEmpty();
    }

    /** {@code in 0x300}: requests accepted whose completion has not been delivered yet. */
    int outstanding() {
        return ready.size() + flushRunning.size() + flushWaiting.size();
    }

    long completed() { return completed; }

    /** Waits for a flush still on an I/O thread (its files must stay mapped until it ends), then closes the disks. */
    void close() {
        Future<?> t = flushTask;
        if (t != null) {
            try {
                t.get();
            } catch (ExecutionException e) {
                // The failure was already posted as a completion.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (VirtualDisk d : disks) d.close();
    }
}
