package io.denalij.scheduler;

import io.denalij.denali.DenaliMachine;
import io.denalij.denali.TimeSource;
import io.denalij.mmu.PhysicalMemory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.MpscUnboundedXaddArrayQueue;

/**
 * The paper's gatekeeper: keeps the guest pages resident in the JVM within a budget. VMs that are
 * ready to run but do not fit wait, swapped out to the {@link SwapFile}, and are admitted in FIFO
 * order as pages free up; an {@link AdmissionPolicy} picks which resident VMs are swapped out to
 * make room. A swapped-out VM keeps its timers (its entry in the timer wheel) and its pending
 * interrupts (in its devices' queues, which live outside guest RAM): when one fires, the VM joins
 * the admission queue.
 *
 * <p>Runs on its own thread and owns the swap file, the admission queue and the policy. Other
 * threads reach it through lock-free queues: VMs that became ready ({@link #arrive}) and VMs a
 * carrier hands over for swapping out ({@link #handOver}).
 */
final class Gatekeeper implements Runnable {
    /** How many residents a single look for victims examines, so one pass stays cheap with 100,000 VMs. */
    private static final int SCAN_LIMIT = 256;
    /** Waiting VMs whose admission one round of evictions prepares. */
    private static final int ADMIT_BATCH = 64;
    /**
     * Page arrays kept from swap-outs for the next swap-ins: swapping goes on all the time under a
     * tight budget (a million VM swaps a minute with 100,000 VMs), and without reuse each one
     * leaves its pages to the garbage collector.
     */
    private static final int SPARE_PAGES = 4096;

    private final Scheduler scheduler;
    private final TimeSource time;
    private final long budget;
    private final int headroom;
    private final AdmissionPolicy policy;
    private final SwapFile swap;
    private final MpscUnboundedXaddArrayQueue<VmSlot> arrivals = new MpscUnboundedXaddArrayQueue<>(4096);
    private final MpscUnboundedXaddArrayQueue<VmSlot> handovers = new MpscUnboundedXaddArrayQueue<>(1024);
    private final ArrayDeque<VmSlot> waiting = new ArrayDeque<>();
    private final ArrayDeque<byte[]> spare = new ArrayDeque<>();
    /**
     * VMs admitted that have not run yet. Nobody knows how many pages a VM that never ran will
     * touch, so no more than one such VM per carrier is let in at a time.
     */
    private final List<VmSlot> probation = new ArrayList<>();
    private final int carriers;
    /** Pages of VMs asked to leave that no carrier has handed over yet. */
    private long pendingEviction;
    private volatile boolean stopped;
    private volatile Thread thread;
    private volatile int waitingCount;
    final AtomicLong swapOuts = new AtomicLong(), swapIns = new AtomicLong(), pagesOut = new AtomicLong(), pagesIn = new AtomicLong();

    Gatekeeper(Scheduler scheduler, TimeSource time, SchedulerConfig config) {
        this.scheduler = scheduler;
        this.time = time;
        this.budget = config.budgetPages();
        this.headroom = config.headroomPages();
        this.carriers = config.carriers();
        this.policy = config.policy().get();
        this.swap = SwapFile.create(config.swapFile(), config.swapCapacityPages());
    }

    /** Any thread: {@code vm} (state WAITING) is ready to run and needs admission. */
    void arrive(VmSlot vm) {
        arrivals.offer(vm);
        signal();
    }

    /** A carrier: {@code vm} (state SWAPPING, or DONE) was asked to leave and is not running. */
    void handOver(VmSlot vm) {
        handovers.offer(vm);
        signal();
    }

    /** Resident pages went over the budget, or something else changed that is worth a look. */
    void signal() {
        Thread t = thread;
        if (t != null) LockSupport.unpark(t);
    }

    @Override public void run() {
        thread = Thread.currentThread();
        while (!stopped) {
            step();
            if (!stopped) LockSupport.parkNanos(this, waiting.isEmpty() ? 10_000_000 : 1_000_000);
        }
    }

    /** One round: take arrivals and handovers, admit what fits, ask residents to leave for what does not. */
    void step() {
        VmSlot vm;
        while ((vm = arrivals.poll()) != null) {
            // A VM that cannot get in now waits swapped out, not holding pages the residents need.
            if (!vm.swappedOut() && vm.countedPages > 0 && scheduler.residentPages() + headroom > budget) swapOut(vm);
            waiting.addLast(vm);
        }
        while ((vm = handovers.poll()) != null) takeHandover(vm);
        probation.removeIf(v -> v.quanta() > 0 || v.state() == VmSlot.DONE);
        while (!waiting.isEmpty()) {
            VmSlot head = waiting.peekFirst();
            long peak = scheduler.largestVmPages();
            // A VM that never ran may touch any number of pages: let in one per carrier at a time,
            // each after the previous ones have shown (by running) what a VM of this swarm takes.
            if (head.quanta() == 0 && probation.size() >= carriers) break;
            long need = Math.max(head.swappedOut() ? head.swappedPpns.length : head.countedPages, peak) + headroom;
            long resident = scheduler.residentPages();
            // With nothing resident, admit the head whatever it needs, or nothing could ever run.
            if (resident + need <= budget || resident == 0) {
                waiting.pollFirst();
                if (head.quanta() == 0) probation.add(head);
                admit(head);
                continue;
            }
            // Make room for a batch of waiting VMs, not just the head: a runnable resident leaves only
            // when its turn on a carrier comes, so asking one at a time would admit one VM per
            // round of the whole run queue.
            long excess = resident - pendingEviction + batchNeed(peak) - budget;
            // Idle residents go at once: then try the head again. Runnable ones leave when a carrier
            // hands them over; until then the head waits.
            if (excess > 0 && requestEvictions(excess) > 0) continue;
            break;
        }
        if (waiting.isEmpty()) {
            long excess = scheduler.residentPages() - pendingEviction - budget;
            if (excess > 0) requestEvictions(excess);
        }
        waitingCount = waiting.size();
    }

    /** Pages the first {@link #ADMIT_BATCH} waiting VMs need, as the admission test counts them. */
    private long batchNeed(long peak) {
        long sum = 0;
        int n = 0;
        for (VmSlot v : waiting) {
            sum += Math.max(v.swappedOut() ? v.swappedPpns.length : v.countedPages, peak) + headroom;
            if (++n == ADMIT_BATCH) break;
        }
        return sum;
    }

    private void takeHandover(VmSlot vm) {
        pendingEviction -= vm.evictPages;
        vm.evictPages = 0;
        vm.evictRequested = false;
        if (vm.state() == VmSlot.DONE) {
            policy.left(vm);
            return;
        }
        if (!swapOut(vm)) {
            // No room in the swap file: the VM stays resident and runs on.
            scheduler.requeue(vm, vm.machine().idle());
            return;
        }
        if (vm.machine().idle()) settleSwappedIdle(vm);
        else {
            vm.set(VmSlot.WAITING);
            waiting.addLast(vm);
        }
    }

    /**
     * Swaps out up to {@code excess} pages' worth of residents, in the policy's order; returns the
     * pages freed at once (idle VMs). Runnable VMs are only flagged for their carrier to hand over.
     */
    private long requestEvictions(long excess) {
        List<VmSlot> chosen = new ArrayList<>();
        List<VmSlot> gone = new ArrayList<>();
        long freed = 0;
        int scanned = 0;
        for (Iterator<VmSlot> it = policy.candidates(); it.hasNext() && freed < excess && scanned < SCAN_LIMIT; scanned++) {
            VmSlot v = it.next();
            int st = v.state();
            if (st == VmSlot.DONE) {
                gone.add(v);
                continue;
            }
            if (v.quanta() <= v.quantaAtAdmission || v.evictRequested) continue; // let it run once first
            if (st == VmSlot.IDLE || st == VmSlot.QUEUED) {
                chosen.add(v);
                freed += v.countedPages;
            }
        }
        gone.forEach(policy::left);
        long freedNow = 0;
        for (VmSlot v : chosen) {
            if (v.cas(VmSlot.IDLE, VmSlot.SWAPPING)) {
                int pages = v.countedPages;
                if (swapOut(v)) {
                    freedNow += pages;
                    settleSwappedIdle(v);
                } else {
                    scheduler.requeue(v, true);
                }
            } else if (v.state() != VmSlot.DONE) {
                // Runnable or running: the carrier that next touches it hands it over.
                v.evictPages = v.countedPages;
                pendingEviction += v.evictPages;
                v.evictRequested = true;
            }
        }
        return freedNow;
    }

    /** A VM swapped out while idle: it sleeps on, unless its deadline passed or an event came meanwhile. */
    private void settleSwappedIdle(VmSlot vm) {
        vm.set(VmSlot.SWAPPED_IDLE);
        boolean due = vm.deadline != Long.MAX_VALUE && vm.deadline - time.nanoTime() <= 0;
        if ((due || vm.machine().eventsWaiting()) && vm.cas(VmSlot.SWAPPED_IDLE, VmSlot.WAITING)) {
            waiting.addLast(vm);
        } else {
            scheduler.timekeeper().schedule(vm); // a firing during SWAPPING was dropped; file it again
        }
    }

    /** Moves every owned page of {@code vm} to the swap file; false (nothing moved) when the file is full. */
    private boolean swapOut(VmSlot vm) {
        PhysicalMemory ram = vm.machine().ram();
        int[] ppns = ram.ownedPageNumbers();
        if (swap.freePages() < ppns.length) return false;
        long[] slots = new long[ppns.length];
        for (int i = 0; i < ppns.length; i++) {
            byte[] page = ram.swapOut(ppns[i]);
            slots[i] = swap.store(page);
            if (spare.size() < SPARE_PAGES) spare.push(page);
        }
        vm.swappedPpns = ppns;
        vm.swapSlots = slots;
        scheduler.addResident(-vm.countedPages);
        vm.countedPages = 0;
        policy.left(vm);
        swapOuts.incrementAndGet();
        pagesOut.addAndGet(ppns.length);
        return true;
    }

    private void admit(VmSlot vm) {
        DenaliMachine m = vm.machine();
        if (vm.swappedOut()) {
            int[] ppns = vm.swappedPpns;
            long[] slots = vm.swapSlots;
            for (int i = 0; i < ppns.length; i++) {
                byte[] page = spare.isEmpty() ? new byte[PhysicalMemory.PAGE_SIZE] : spare.pop();
                swap.load(slots[i], page); // every byte is overwritten: a recycled array leaks nothing
                m.ram().swapIn(ppns[i], page);
            }
            vm.swappedPpns = null;
            vm.swapSlots = null;
            swapIns.incrementAndGet();
            pagesIn.addAndGet(ppns.length);
        }
        int pages = m.ram().residentPages();
        scheduler.addResident(pages - vm.countedPages);
        vm.countedPages = pages;
        vm.quantaAtAdmission = vm.quanta();
        policy.resident(vm);
        scheduler.requeue(vm, true);
    }

    /** VMs ready to run that wait for admission (as of the last round). */
    int waiting() { return waitingCount; }

    long swapUsedPages() { return swap.usedPages(); }

    String policyName() { return policy.name(); }

    void stop() {
        stopped = true;
        signal();
    }

    void closeSwap() { swap.close(); }
}
