package io.denalij.devices.denali;

import java.util.concurrent.Callable;

/**
 * A disk the VM owns and writes in place. A write lands in the shared mapping at once (so it outlives
 * the JVM being killed); flush forces the file to stable storage. As on a real disk, a block being
 * rewritten at the moment the host itself crashes may be torn; blocks not being written are safe.
 */
final class InPlaceDisk implements VirtualDisk {
    private final BaseDisk base;

    private boolean closed;

    InPlaceDisk(BaseDisk base) {
        base.claimExclusive();
        base.attach();
        this.base = base;
    }

    @Override public long blocks() { return base.blocks(); }

    @Override public boolean writable() { return true; }

    @Override public void read(long block, GuestMemoryAccess memory, int guestAddr) { base.readBlock(block, memory, guestAddr); }

    @Override public void write(long block, GuestMemoryAccess memory, int guestAddr) { base.writeBlock(block, memory, guestAddr); }

    @Override
    public Callable<Runnable> startFlush() {
        return () -> {
            base.force();
            return () -> {};
        };
    }

    @Override public void readBlock(long block, byte[] dst, int off) { base.readBlock(block, dst, off); }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        base.detach();
        base.releaseExclusive();
    }
}
