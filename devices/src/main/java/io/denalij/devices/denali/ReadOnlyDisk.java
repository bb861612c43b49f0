package io.denalij.devices.denali;

import java.util.concurrent.Callable;

/** A shared base disk seen read-only: writes are refused by the controller, flush has nothing to do. */
final class ReadOnlyDisk implements VirtualDisk {
    private static final Callable<Runnable> NOTHING = () -> () -> {};
    private final BaseDisk base;

    private boolean closed;

    ReadOnlyDisk(BaseDisk base) {
        base.attach();
        this.base = base;
    }

    @Override public long blocks() { return base.blocks(); }

    @Override public boolean writable() { return false; }

    @Override public void read(long block, GuestMemoryAccess memory, int guestAddr) { base.readBlock(block, memory, guestAddr); }

    @Override
    public void write(long block, GuestMemoryAccess memory, int guestAddr) {
        throw new IllegalStateException(base.path() + " is attached read-only");
    }

    @Override public Callable<Runnable> startFlush() { return NOTHING; }

    @Override public void readBlock(long block, byte[] dst, int off) { base.readBlock(block, dst, off); }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        base.detach();
    }
}
