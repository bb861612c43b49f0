package io.denalij.scheduler;

import io.denalij.denali.TimeSource;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.MpscUnboundedXaddArrayQueue;

/**
 * The thread that owns the {@link TimerWheel}. Carriers (and the gatekeeper) hand it VMs that went
 * idle with a deadline through a lock-free queue; every tick it files them, advances the wheel and
 * wakes the VMs whose deadline has come. A VM woken by an event in the meantime has left IDLE, so
 * its wheel entry is simply dropped when met: nobody else ever touches the wheel.
 */
final class Timekeeper implements Runnable {
    private static final long LONG_SLEEP = 100_000_000;

    private final Scheduler scheduler;
    private final TimeSource time;
    private final long tickNanos;
    private final TimerWheel wheel;
    private final MpscUnboundedXaddArrayQueue<VmSlot> inbox = new MpscUnboundedXaddArrayQueue<>(4096);
    private volatile boolean stopped;
    private volatile boolean sleepingLong;
    private volatile Thread thread;
    private final TimerWheel.Expiry fire = this::fire;

    Timekeeper(Scheduler scheduler, TimeSource time, long tickNanos, int slots) {
        this.scheduler = scheduler;
        this.time = time;
        this.tickNanos = tickNanos;
        this.wheel = new TimerWheel(slots, tickNanos, time.nanoTime());
    }

    /** Any thread: file {@code vm} (idle, its deadline set) under its deadline. */
    void schedule(VmSlot vm) {
        inbox.offer(vm);
        if (sleepingLong) {
            Thread t = thread;
            if (t != null) LockSupport.unpark(t);
        }
    }

    @Override public void run() {
        thread = Thread.currentThread();
        while (!stopped) {
            VmSlot vm;
            while ((vm = inbox.poll()) != null) file(vm);
            wheel.advance(time.nanoTime(), fire);
            if (wheel.size() == 0) {
                sleepingLong = true;
                if (inbox.isEmpty() && !stopped) LockSupport.parkNanos(this, LONG_SLEEP);
                sleepingLong = false;
            } else {
                long wait = wheel.nextTickNanos() - time.nanoTime();
                if (wait > 0) LockSupport.parkNanos(this, Math.min(wait, tickNanos));
            }
        }
    }

    private void file(VmSlot vm) {
        int st = vm.state();
        long d = vm.deadline;
        if ((st != VmSlot.IDLE && st != VmSlot.SWAPPED_IDLE) || d == Long.MAX_VALUE) {
            wheel.remove(vm);
            return;
        }
        wheel.schedule(vm, d);
    }

    private void fire(VmSlot vm) {
        int st = vm.state();
        if (st != VmSlot.IDLE && st != VmSlot.SWAPPED_IDLE) return; // woken by an event meanwhile
        long d = vm.deadline;
        if (d == Long.MAX_VALUE) return;
        if (d - time.nanoTime() > 0) {
            wheel.schedule(vm, d); // it slept again, later
            return;
        }
        scheduler.wake(vm);
    }

    int sleepers() { return wheel.size(); }

    void stop() {
        stopped = true;
        Thread t = thread;
        if (t != null) LockSupport.unpark(t);
    }
}
