package io.denalij.denali;

import io.denalij.net.EthernetSwitch;

import java.util.concurrent.locks.LockSupport;

/**
 * Runs one VM to its end on the calling thread, the way {@code denali run} does: quantum after
 * quantum while it is runnable, and while it idles the thread sleeps (no busy wait) until the
 * VM's deadline or until a device event wakes it. The VM's config must use {@link #waker()} as its
 * wakeup callback (or call it from its own), so events from host threads end the sleep.
 */
public final class SingleVmRunner {
    /**
     * Host time one quantum should take. time_ns and the TIMER are only as fresh as the last
     * boundary, so a guest that measures time between two quanta sees it this coarsely; the
     * instruction count per quantum adapts to the engine's speed (a cold JVM runs the interpreter
     * far slower than a warm one) to keep it there.
     */
    public static final long QUANTUM_NANOS = 1_000_000;
    static final long MIN_QUANTUM = 5_000, MAX_QUANTUM = 5_000_000;
    /**
     * Switch rounds between two quanta at most (16 frames from each ready port a round). The switch
     * cannot hold a frame back, so rounds stop while the VM's receive queue has less room than two
     * rounds could bring; the rest waits in the senders' queues (the gateway's, the TAP reader's) until
     * the guest has caught up, instead of being dropped at the NIC.
     */
    static final int PUMP_ROUNDS = 16;
    private static final int ROOM_FOR_A_ROUND = 2 * EthernetSwitch.DEFAULT_BUDGET;

    /** How a run ended: the VM's own end, or a limit of the host. */
    public sealed interface Outcome {
        record Finished(Quantum result) implements Outcome { }

        record LimitReached(String why) implements Outcome { }
    }

    private final Waker waker = new Waker();
    private final TimeSource time;

    public SingleVmRunner(TimeSource time) {
        this.time = time;
    }

    /** The wakeup callback to give the VM's config. */
    public Runnable waker() { return waker; }

    /**
     * Runs {@code vm} until it terminates or faults, or a limit is reached.
     *
     * @param maxInstructions 0 for no limit
     * @param maxHostNanos    0 for no limit (host time on this runner's clock)
     */
    public Outcome run(DenaliMachine vm, long maxInstructions, long maxHostNanos) {
        return run(vm, null, maxInstructions, maxHostNanos);
    }

    /**
     * As {@link #run(DenaliMachine, long, long)}, with the VM's NIC on a switch (or without, when
     * {@code net} is null) that this thread pumps between quanta; while the VM idles, a port of the
     * switch announcing frames (the gateway's or the TAP reader's thread) wakes this thread.
     */
    public Outcome run(DenaliMachine vm, NetworkAttachment net, long maxInstructions, long maxHostNanos) {
        long quantum = MIN_QUANTUM;
        waker.thread = Thread.currentThread();
        if (net != null) net.networkSwitch().onPortReady(waker);
        long start = time.nanoTime();
        long stopAt = maxHostNanos > 0 ? start + maxHostNanos : Long.MAX_VALUE;
        long startInstructions = vm.instructions();
        for (;;) {
            long budget = quantum;
            if (maxInstructions > 0) {
                long left = maxInstructions - (vm.instructions() - startInstructions);
                if (left <= 0) {
                    return new Outcome.LimitReached(String.format("stopped after %d instructions (--max-instructions) at eip 0x%08x",
                            vm.instructions() - startInstructions, vm.state().eip));
                }
                budget = Math.min(budget, left);
            }
            long before = time.nanoTime(), executed = vm.instructions();
            Quantum q = vm.runQuantum(budget);
            if (q.finished()) return new Outcome.Finished(q);
            if (net != null) {
                net.afterQuantum();
                EthernetSwitch sw = net.networkSwitch();
                for (int r = 0; r < PUMP_ROUNDS && sw.hasWork() && net.receiveRoom() >= ROOM_FOR_A_ROUND; r++) sw.pump();
            }
            long now = time.nanoTime();
            executed = vm.instructions() - executed;
            if (q instanceof Quantum.Ready && executed == budget && now - before > 0) {
                long fit = (long) (executed * (double) QUANTUM_NANOS / (now - before));
                quantum = Math.clamp((quantum + fit) / 2, MIN_QUANTUM, MAX_QUANTUM);
            }
            if (now - stopAt >= 0) {
                return new Outcome.LimitReached(String.format("stopped after %.1f s (--timeout), %d instructions, at eip 0x%08x%s",
                        (now - start) / 1e9, vm.instructions() - startInstructions, vm.state().eip, vm.idle() ? " (idle)" : ""));
            }
            if (q instanceof Quantum.Idle(long until) && !vm.eventsWaiting() && !networkBusy(net)) {
                long wakeAt = Math.min(until, stopAt);
                // An event that arrived since the boundary left a permit: parkNanos returns at once.
                if (wakeAt - now > 0) LockSupport.parkNanos(this, wakeAt - now);
            }
        }
    }

    private static boolean networkBusy(NetworkAttachment net) {
        return net != null && (net.networkSwitch().hasWork() && net.receiveRoom() >= ROOM_FOR_A_ROUND || net.frameToHandOver());
    }

    private static final class Waker implements Runnable {
        volatile Thread thread;

        @Override public void run() {
            Thread t = thread;
            if (t != null) LockSupport.unpark(t);
        }
    }
}
