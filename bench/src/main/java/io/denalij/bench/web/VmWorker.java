package io.denalij.bench.web;

import io.denalij.denali.DenaliMachine;
import io.denalij.denali.NetworkAttachment;
import io.denalij.denali.Quantum;
import io.denalij.net.EthernetSwitch;

import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * One thread running many VMs round robin, for the web-server experiment (the scheduler module's
 * `denali swarm` does this properly; this is the smallest loop that does it with the switch). A VM is
 * run when it is ready or woken (its devices' or its NIC's wakeup), or when its IDLE deadline passes;
 * worker 0 also pumps the switch between quanta.
 */
final class VmWorker implements Runnable {
    static final long QUANTUM = 200_000;

    /** A VM with its place in this worker's ready queue. */
    static final class Slot {
        final VmWorker worker;
        DenaliMachine vm;
        NetworkAttachment net;
        final AtomicBoolean queued = new AtomicBoolean();

        Slot(VmWorker worker) { this.worker = worker; }

        /** Thread-safe: puts the VM in its worker's ready queue once and wakes the worker. */
        void wake() {
            if (queued.compareAndSet(false, true)) {
                worker.ready.add(this);
                LockSupport.unpark(worker.thread);
            }
        }
    }

    private record Timer(long at, Slot slot) { }

    private final EthernetSwitch pumped; // null: another worker pumps
    final ConcurrentLinkedQueue<Slot> ready = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
    volatile Thread thread;
    volatile boolean running = true;
    long quanta, finished;

    VmWorker(EthernetSwitch pumped) { this.pumped = pumped; }

    Slot newSlot() { return new Slot(this); }

    @Override public void run() {
        thread = Thread.currentThread();
        if (pumped != null) pumped.onPortReady(() -> LockSupport.unpark(thread));
        while (running) {
            if (pumped != null) for (int r = 0; r < 16 && pumped.hasWork(); r++) pumped.pump();
            long now = System.nanoTime();
            while (!timers.isEmpty() && timers.peek().at - now <= 0) timers.poll().slot.wake();
            Slot s = ready.poll();
            if (s == null) {
                if (pumped != null && pumped.hasWork()) continue;
                long wait = timers.isEmpty() ? 100_000_000L : Math.min(100_000_000L, timers.peek().at - now);
                if (wait > 0) LockSupport.parkNanos(this, wait);
                continue;
            }
            s.queued.set(false);
            Quantum q = s.vm.runQuantum(QUANTUM);
            quanta++;
            s.net.afterQuantum();
            switch (q) {
                case Quantum.Ready r -> s.wake();
                case Quantum.Idle(long until) -> {
                    if (s.vm.eventsWaiting() || s.net.frameToHandOver()) s.wake();
                    else if (until != Long.MAX_VALUE) timers.add(new Timer(until, s));
                }
                default -> finished++;
            }
        }
    }
}
