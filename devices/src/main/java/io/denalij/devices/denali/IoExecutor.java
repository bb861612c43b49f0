package io.denalij.devices.denali;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The I/O threads shared by every VM of a JVM: the only threads that serve Denali devices. They run
 * blocking work (forcing disk files to stable storage) so that no VM thread ever waits on a disk.
 * Owned by whoever owns the VMs (the machine or scheduler), passed to each VM's devices, and closed
 * after them.
 */
public final class IoExecutor implements AutoCloseable {
    private final ExecutorService pool;

    /** {@code threads} blocking I/O threads (daemon, named denali-io-N). */
    public IoExecutor(int threads) {
        if (threads < 1) throw new IllegalArgumentException("need at least one I/O thread");
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "denali-io-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
    }

    Future<?> submit(Runnable work) {
        return pool.submit(work);
    }

    /** Lets queued work finish, then stops the threads. */
    @Override
    public void close() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(60, TimeUnit.SECONDS)) pool.shutdownNow();
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
