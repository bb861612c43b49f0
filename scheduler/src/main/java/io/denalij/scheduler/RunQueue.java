package io.denalij.scheduler;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.MpmcArrayQueue;
import org.jctools.queues.MpmcUnboundedXaddArrayQueue;

/**
 * The runnable VMs, in two lock-free FIFO queues: VMs just back from IDLE (the paper gives them
 * priority for their next quantum) and the others. Any thread may offer; carriers poll. A VM is
 * in at most one queue at a time (its {@link VmSlot} state says QUEUED), so the queues never hold
 * more entries than there are VMs.
 *
 * <p>Carriers that find nothing to run park; an offer unparks one. The handshake (a carrier
 * announces itself, looks again, then parks; an offerer takes an announced carrier and unparks it)
 * cannot lose a wake-up, because an unpark before the park leaves a permit.
 */
final class RunQueue {
    private final MpmcUnboundedXaddArrayQueue<VmSlot> priority = new MpmcUnboundedXaddArrayQueue<>(4096);
    private final MpmcUnboundedXaddArrayQueue<VmSlot> normal = new MpmcUnboundedXaddArrayQueue<>(4096);
    private final MpmcArrayQueue<Parked> parked;
    private final int priorityBurst;

    /** A carrier's parking record; {@code announced} keeps it in {@link #parked} at most once. */
    static final class Parked {
        final Thread thread;
        final AtomicBoolean announced = new AtomicBoolean();
        /** Consecutive picks from the priority queue. */
        int burst;

        Parked(Thread thread) { this.thread = thread; }
    }

    RunQueue(int carriers, int priorityBurst) {
        this.parked = new MpmcArrayQueue<>(Math.max(2, carriers));
        this.priorityBurst = priorityBurst;
    }

    void offer(VmSlot vm, boolean fromIdle) {
        (fromIdle ? priority : normal).offer(vm);
        Parked p = parked.poll();
        if (p != null) {
            p.announced.set(false);
            LockSupport.unpark(p.thread);
        }
    }

    /** The next VM for carrier {@code me}: priority first, but a normal one after every burst of priority picks. */
    VmSlot poll(Parked me) {
        VmSlot vm;
        if (me.burst < priorityBurst && (vm = priority.poll()) != null) {
            me.burst++;
            return vm;
        }
        me.burst = 0;
        vm = normal.poll();
        return vm != null ? vm : priority.poll();
    }

    /** Parks carrier {@code me} until an offer (or {@code maxNanos}); returns at once if work arrived meanwhile. */
    void await(Parked me, long maxNanos) {
        if (me.announced.compareAndSet(false, true)) parked.offer(me);
        if (!priority.isEmpty() || !normal.isEmpty()) return;
        LockSupport.parkNanos(this, maxNanos);
    }

    /** Wakes every parked carrier (shutdown). */
    void wakeAll() {
        Parked p;
        while ((p = parked.poll()) != null) {
            p.announced.set(false);
            LockSupport.unpark(p.thread);
        }
    }

    int size() { return priority.size() + normal.size(); }
}
