package io.denalij.devices.denali;

import io.denalij.mmu.PhysicalMemory;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** One VM's RAM and devices, with helpers to lay out request blocks the way a guest driver would. */
final class TestVm implements AutoCloseable {
    final PhysicalMemory ram;
    final GuestMemoryAccess mem;
    final AtomicLong clock = new AtomicLong();
    final ByteArrayOutputStream console = new ByteArrayOutputStream();
    final AtomicInteger wakeups = new AtomicInteger();
    final DenaliDevices devices;

    TestVm(long ramBytes, IoExecutor io, List<VirtualDisk> disks) {
        this(ramBytes, io, disks, DenaliNic.DEFAULT_QUEUE_FRAMES);
    }

    TestVm(long ramBytes, IoExecutor io, List<VirtualDisk> disks, int nicQueue) {
        ram = new PhysicalMemory(ramBytes);
        mem = new GuestMemoryAccess(ram);
        devices = new DenaliDevices(ram, clock::get, console, disks, io, wakeups::incrementAndGet, nicQueue);
    }

    /** Writes u32 fields at {@code addr}, as a guest fills a request block. */
    void fields(int addr, int... values) {
        for (int i = 0; i < values.length; i++) mem.writeField(addr, i, values[i]);
    }

    int field(int addr, int index) {
        return mem.readFields(addr + 4 * index, 1, "test")[0];
    }

    void put(int addr, byte[] bytes) {
        mem.write(addr, bytes, 0, bytes.length);
    }

    byte[] get(int addr, int len) {
        byte[] b = new byte[len];
        mem.read(addr, b, 0, len);
        return b;
    }

    /** Runs boundaries until {@code field(addr, index)} is no longer 0, collecting the raised bits. */
    int boundaryUntilStatus(int addr, int index, int timerPeriodUs) throws InterruptedException {
        int bits = 0;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (field(addr, index) == 0) {
            if (System.nanoTime() > deadline) throw new AssertionError("request at 0x" + Integer.toHexString(addr) + " never completed");
            Thread.sleep(1);
            bits |= devices.boundary(timerPeriodUs);
        }
        return bits;
    }

    @Override
    public void close() {
        devices.close();
    }
}
