package io.denalij.scheduler;

import io.denalij.denali.DenaliConfig;
import io.denalij.denali.DenaliMachine;
import io.denalij.denali.GuestImage;
import io.denalij.denali.Quantum;
import io.denalij.denali.TimeSource;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Runs many Denali VMs in one JVM (docs/SCHEDULER.md). VMs are plain objects; a few carrier
 * threads run the runnable ones round-robin for a quantum of guest instructions each; idle VMs
 * sleep in a timer wheel and cost no CPU; a VM back from IDLE gets priority for its next quantum;
 * events from other threads wake VMs through lock-free queues; with a memory budget, the
 * {@link Gatekeeper} swaps VMs out and admits them FIFO.
 *
 * <p>Use: {@link #boot} VMs (before or after {@link #start}), watch {@link #stats}, wait with
 * {@link #awaitAllDone}, {@link #close}. A VM that faults ends alone; the others run on.
 */
public final class Scheduler implements AutoCloseable {
    private final SchedulerConfig config;
    private final TimeSource time;
    private final RunQueue queue;
    private final Timekeeper timekeeper;
    private final Gatekeeper gatekeeper;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong resident = new AtomicLong();
    /** The most pages any VM has owned after a quantum: the gatekeeper's estimate of what a VM needs. */
    private volatile int largestVm;
    private final AtomicInteger done = new AtomicInteger();
    private final Object doneSignal = new Object();
    private volatile VmSlot[] slots = new VmSlot[1024];
    private volatile int count;
    private volatile boolean stopping;
    private volatile QuantumObserver observer;
    private volatile Consumer<VmSlot> exitListener = vm -> { };
    private boolean started;

    public Scheduler(SchedulerConfig config, TimeSource time) {
        this.config = config;
        this.time = time;
        this.queue = new RunQueue(config.carriers(), config.priorityBurst());
        this.timekeeper = new Timekeeper(this, time, config.tickNanos(), config.wheelSlots());
        this.gatekeeper = config.hasBudget() ? new Gatekeeper(this, time, config) : null;
    }

    public SchedulerConfig config() { return config; }

    /** Called on a carrier thread when a VM ends (terminated, faulted or crashed). Set before {@link #start}. */
    public void onExit(Consumer<VmSlot> listener) { this.exitListener = listener; }

    /** Told after every quantum (tests, benchmarks); null for none. */
    public void setObserver(QuantumObserver o) { this.observer = o; }

    /**
     * Boots a VM of {@code image} with {@code config} (its wakeup callback is chained so device
     * events reach this scheduler) and makes it runnable, or queues it for admission under a
     * budget. Call from one thread at a time.
     *
     * @throws IllegalArgumentException when the image cannot run in this VM (one-line reason)
     */
    public VmSlot boot(DenaliConfig config, GuestImage image) {
        VmSlot slot = new VmSlot(count);
        Runnable own = config.wakeup();
        DenaliMachine m = DenaliMachine.boot(config.withWakeup(() -> {
            own.run();
            slot.wake();
        }), image);
        if (this.config.engine() != null) m.cpu().setEngine(this.config.engine());
        add(slot, m);
        return slot;
    }

    private void add(VmSlot slot, DenaliMachine m) {
        slot.attach(this, m);
        int n = count;
        VmSlot[] a = slots;
        if (n == a.length) slots = a = Arrays.copyOf(a, n * 2);
        a[n] = slot;
        count = n + 1;
        resident.addAndGet(slot.countedPages);
        if (gatekeeper == null) {
            slot.set(VmSlot.QUEUED);
            queue.offer(slot, false);
        } else {
            slot.set(VmSlot.WAITING);
            gatekeeper.arrive(slot);
        }
    }

    /** Starts the carriers, the timekeeper and (with a budget) the gatekeeper. */
    public synchronized void start() {
        if (started) throw new IllegalStateException("already started");
        started = true;
        threads.add(Thread.ofPlatform().name("denali-timekeeper").daemon().start(timekeeper));
        if (gatekeeper != null) threads.add(Thread.ofPlatform().name("denali-gatekeeper").daemon().start(gatekeeper));
        for (int i = 0; i < config.carriers(); i++) {
            threads.add(Thread.ofPlatform().name("denali-carrier-" + i).daemon().stackSize(8 << 20)
                    .start(new Carrier(this, queue, config.quantumInstructions())));
        }
    }

    // ---- moving VMs (carriers, timekeeper, gatekeeper, device threads) ----

    /** An event or an expired timer: an idle VM becomes runnable (with priority), a swapped one asks for admission. */
    void wake(VmSlot vm) {
        for (;;) {
            int st = vm.state();
            if (st == VmSlot.IDLE) {
                if (vm.cas(VmSlot.IDLE, VmSlot.QUEUED)) {
                    queue.offer(vm, true);
                    return;
                }
            } else if (st == VmSlot.SWAPPED_IDLE) {
                if (vm.cas(VmSlot.SWAPPED_IDLE, VmSlot.WAITING)) {
                    gatekeeper.arrive(vm);
                    return;
                }
            } else {
                return; // queued, running, waiting, being swapped or over: it finds the event itself
            }
        }
    }

    /** A VM the caller owns (state RUNNING, SWAPPING or WAITING) goes back to the run queue. */
    void requeue(VmSlot vm, boolean priority) {
        vm.set(VmSlot.QUEUED);
        queue.offer(vm, priority);
    }

    /** A carrier's VM executed IDLE: it sleeps until {@code until} or an event, whichever comes first. */
    void sleep(VmSlot vm, long until) {
        vm.deadline = until;
        vm.set(VmSlot.IDLE);
        // An event that arrived while it ran found it RUNNING and did nothing: look now.
        if (vm.machine().eventsWaiting()) wake(vm);
        else if (until != Long.MAX_VALUE) timekeeper.schedule(vm);
    }

    void finished(VmSlot vm, Quantum result) {
        vm.finish(result);
        end(vm);
    }

    void crashed(VmSlot vm, Throwable e) {
        vm.crash(e);
        end(vm);
    }

    private void end(VmSlot vm) {
        resident.addAndGet(-vm.countedPages);
        vm.countedPages = 0;
        vm.set(VmSlot.DONE);
        // An ended VM keeps only its result: its RAM, CPU and decoded code go back to the heap now.
        vm.release();
        if (vm.evictRequested) gatekeeper.handOver(vm);
        try {
            exitListener.accept(vm);
        } finally {
            if (done.incrementAndGet() == count) {
                synchronized (doneSignal) { doneSignal.notifyAll(); }
            }
        }
    }

    /** After a quantum: the VM's owned pages may have changed; keeps the resident total exact. */
    void accountPages(VmSlot vm) {
        if (gatekeeper != null && vm.quanta() == 1) gatekeeper.signal(); // it left probation
        int now = vm.machine().ram().residentPages();
        int delta = now - vm.countedPages;
        if (delta == 0) return;
        if (now > largestVm) largestVm = now; // a racy max is fine: it only steers admission
        vm.countedPages = now;
        long total = resident.addAndGet(delta);
        if (gatekeeper != null && total > config.budgetPages()) gatekeeper.signal();
    }

    void addResident(long pages) { resident.addAndGet(pages); }

    int largestVmPages() { return largestVm; }

    long residentPages() { return resident.get(); }

    boolean stopping() { return stopping; }

    Gatekeeper gatekeeper() { return gatekeeper; }

    Timekeeper timekeeper() { return timekeeper; }

    QuantumObserver observer() { return observer; }

    // ---- watching ----

    /** The VMs added so far, in order. */
    public List<VmSlot> vms() {
        int n = count;
        return List.of(Arrays.copyOf(slots, n));
    }

    public int size() { return count; }

    /** Offers console input to every VM still alive (e.g. "q" to ask the swarm guest to stop); returns how many took it. */
    public int broadcastConsole(byte[] input) {
        int n = count, took = 0;
        VmSlot[] a = slots;
        for (int i = 0; i < n; i++) {
            DenaliMachine m = a[i].machine();
            if (a[i].state() != VmSlot.DONE && m != null && m.offerConsoleInput(input)) took++;
        }
        return took;
    }

    /** Waits until every VM added so far is over, or {@code timeoutNanos} pass; true when all are over. */
    public boolean awaitAllDone(long timeoutNanos) throws InterruptedException {
        long end = System.nanoTime() + timeoutNanos;
        synchronized (doneSignal) {
            while (done.get() < count) {
                long left = end - System.nanoTime();
                if (left <= 0) return false;
                doneSignal.wait(Math.max(1, left / 1_000_000), 0);
            }
        }
        return true;
    }

    public SchedulerStats stats() {
        int n = count;
        VmSlot[] a = slots;
        int running = 0, runnable = 0, idle = 0, swapped = 0, waiting = 0, exited = 0, faulted = 0, ran = 0;
        long instructions = 0, quanta = 0;
        for (int i = 0; i < n; i++) {
            VmSlot vm = a[i];
            switch (vm.state()) {
                case VmSlot.RUNNING -> running++;
                case VmSlot.QUEUED -> runnable++;
                case VmSlot.IDLE -> idle++;
                case VmSlot.SWAPPING, VmSlot.SWAPPED_IDLE -> swapped++;
                case VmSlot.WAITING -> {
                    if (vm.swappedOut()) swapped++;
                    else waiting++;
                }
                case VmSlot.DONE -> {
                    if (vm.result() instanceof Quantum.Terminated) exited++;
                    else faulted++;
                }
                default -> { }
            }
            long q = vm.quanta();
            if (q > 0) ran++;
            quanta += q;
            instructions += vm.instructions();
        }
        Gatekeeper g = gatekeeper;
        return new SchedulerStats(n, running, runnable, idle, swapped, waiting, exited, faulted, ran, instructions, quanta,
                resident.get(), config.budgetPages(), g == null ? 0 : g.swapUsedPages(), g == null ? 0 : g.swapOuts.get(),
                g == null ? 0 : g.swapIns.get(), timekeeper.sleepers());
    }

    /** Stops every thread (VMs still alive stay as they are) and closes the swap file and the VMs. */
    @Override public void close() {
        stopping = true;
        timekeeper.stop();
        if (gatekeeper != null) gatekeeper.stop();
        queue.wakeAll();
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (gatekeeper != null) gatekeeper.closeSwap();
        int n = count;
        VmSlot[] a = slots;
        for (int i = 0; i < n; i++) {
            DenaliMachine m = a[i].machine();
            if (m != null) m.close();
        }
    }
}
