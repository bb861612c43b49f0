package io.denalij.scheduler;

import io.denalij.denali.DenaliMachine;
import io.denalij.denali.Quantum;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One VM as the scheduler sees it: the machine and where it is (run queue, a carrier, the timer
 * wheel, swapped out, over). The state is one int changed by compare-and-set, which is how a device
 * thread waking an idle VM, the timer wheel firing and a carrier putting the VM to sleep agree on
 * who moves it, without locks.
 *
 * <pre>
 *   QUEUED --carrier--> RUNNING --Ready--> QUEUED
 *                          |----Idle----> IDLE --event/timer--> QUEUED (priority)
 *                          '--end-------> DONE
 *   IDLE --gatekeeper--> SWAPPING --> SWAPPED_IDLE --event/timer--> WAITING --admitted--> QUEUED
 *   QUEUED (evict requested) --carrier--> SWAPPING --> WAITING
 * </pre>
 */
public final class VmSlot {
    static final int NEW = 0, QUEUED = 1, RUNNING = 2, IDLE = 3, SWAPPING = 4, SWAPPED_IDLE = 5, WAITING = 6, DONE = 7;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(VmSlot.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int index;
    private volatile DenaliMachine machine;
    @SuppressWarnings("unused") // through STATE
    private volatile int state = NEW;
    private Scheduler scheduler;

    // ---- written by the carrier that runs the VM, read by anyone for statistics ----
    private volatile long instructions;
    private volatile long quanta;
    private volatile Quantum result;
    private volatile Throwable crash;
    /** When the VM must run again at the latest (TimeSource scale); Long.MAX_VALUE: only an event wakes it. */
    volatile long deadline;

    // ---- timer wheel links: the timekeeper thread only ----
    VmSlot wheelPrev, wheelNext;
    int wheelBucket = -1;
    long wheelTick;

    // ---- gatekeeper ----
    /** Set by the gatekeeper: the next carrier to pick the VM hands it over for swapping out instead of running it. */
    volatile boolean evictRequested;
    /** Pages counted for a pending eviction request (gatekeeper only). */
    long evictPages;
    /** Quanta run since the VM was last admitted: a VM is not evicted before it has run once. */
    volatile long quantaAtAdmission;
    /** Owned pages as last counted into the scheduler's resident total. */
    int countedPages;
    /** Where its pages are while swapped out (page numbers and swap slots), else null. */
    int[] swappedPpns;
    long[] swapSlots;
    /** Link for the policy's own bookkeeping (e.g. its residency order). */
    Object policyNode;

    VmSlot(int index) {
        this.index = index;
    }

    /** The VM's index in its scheduler (the order it was added in). */
    public int index() { return index; }

    /** The VM, or null once it is over (an ended VM is released: see {@link #result()}). */
    public DenaliMachine machine() { return machine; }

    void attach(Scheduler s, DenaliMachine m) {
        this.scheduler = s;
        this.machine = m;
        this.countedPages = m.ram().residentPages();
    }

    /** Once the VM is over: closes the machine and lets it go (its result stays); {@link #machine()} is then null. */
    void release() {
        DenaliMachine m = machine;
        machine = null;
        if (m != null) m.close();
    }

    /** Guest instructions retired, as of the end of its last quantum. */
    public long instructions() { return instructions; }

    /** Quanta the VM has run. */
    public long quanta() { return quanta; }

    /** How the VM ended (Terminated, Faulted), or null while it lives. */
    public Quantum result() { return result; }

    public boolean swappedOut() { return swappedPpns != null; }

    int state() { return state; }

    boolean cas(int from, int to) { return STATE.compareAndSet(this, from, to); }

    void set(int to) { state = to; }

    void ranQuantum(long retiredTotal) {
        instructions = retiredTotal;
        quanta = quanta + 1; // one carrier at a time runs the VM
    }

    void finish(Quantum q) { result = q; }

    void crash(Throwable e) { crash = e; }

    /** An emulator error that ended the VM (not the guest's doing), or null. */
    public Throwable crash() { return crash; }

    /**
     * The VM's devices' wakeup callback: an event (frame, input, disk completion) arrived on some
     * host thread. Moves an idle VM to the run queue, a swapped sleeping one to the gatekeeper; a
     * running VM finds the event itself when its quantum ends. Cheap and lock-free.
     */
    void wake() {
        Scheduler s = scheduler;
        if (s != null) s.wake(this);
    }

    /** What the VM is doing now, for progress displays. */
    public String stateName() {
        return switch (state) {
            case NEW -> "new";
            case QUEUED -> "runnable";
            case RUNNING -> "running";
            case IDLE -> "idle";
            case SWAPPING -> "swapping";
            case SWAPPED_IDLE -> "swapped-idle";
            case WAITING -> swappedOut() ? "swapped-waiting" : "waiting";
            case DONE -> "done";
            default -> "state " + state;
        };
    }

    @Override public String toString() { return "VM slot " + index + " (" + stateName() + ")"; }
}
