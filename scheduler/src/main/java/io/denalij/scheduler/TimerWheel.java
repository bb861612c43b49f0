package io.denalij.scheduler;

/**
 * A hashed timer wheel of idle VMs (Varghese and Lauck): bucket = deadline tick modulo the number
 * of buckets, each bucket an intrusive doubly linked list through {@link VmSlot}'s wheel links.
 * Inserting, moving and removing a VM is O(1); advancing one tick visits one bucket, so the cost
 * of time passing does not depend on how many VMs sleep, only on how many are due (plus those
 * whose deadline lies a whole turn or more ahead and share the bucket).
 *
 * <p>Owned by one thread (the {@link Timekeeper}); not thread-safe.
 */
final class TimerWheel {
    /** What to do with a VM whose deadline has come. */
    interface Expiry {
        void expired(VmSlot vm);
    }

    private final VmSlot[] buckets;
    private final int mask;
    private final long tickNanos;
    private final long origin;
    /** The next tick to process. */
    private long current;
    private int size;

    TimerWheel(int slots, long tickNanos, long originNanos) {
        this.buckets = new VmSlot[slots];
        this.mask = slots - 1;
        this.tickNanos = tickNanos;
        this.origin = originNanos;
    }

    /**
     * The first tick at or after {@code nanos}: a VM is never woken before its deadline. A deadline
     * already past goes to the next tick processed.
     */
    long tickOf(long nanos) {
        long t = Math.ceilDiv(nanos - origin, tickNanos);
        return Math.max(t, current);
    }

    /** Puts {@code vm} under its deadline, moving it if it is already in the wheel. */
    void schedule(VmSlot vm, long deadlineNanos) {
        if (vm.wheelBucket >= 0) remove(vm);
        long tick = tickOf(deadlineNanos);
        int b = (int) (tick & mask);
        vm.wheelTick = tick;
        vm.wheelBucket = b;
        vm.wheelPrev = null;
        vm.wheelNext = buckets[b];
        if (buckets[b] != null) buckets[b].wheelPrev = vm;
        buckets[b] = vm;
        size++;
    }

    void remove(VmSlot vm) {
        int b = vm.wheelBucket;
        if (b < 0) return;
        if (vm.wheelPrev != null) vm.wheelPrev.wheelNext = vm.wheelNext;
        else buckets[b] = vm.wheelNext;
        if (vm.wheelNext != null) vm.wheelNext.wheelPrev = vm.wheelPrev;
        vm.wheelPrev = vm.wheelNext = null;
        vm.wheelBucket = -1;
        size--;
    }

    /**
     * Processes every tick up to and including the one {@code nowNanos} falls in: each VM whose
     * tick has come is removed and handed to {@code expiry}. Returns how many expired.
     */
    int advance(long nowNanos, Expiry expiry) {
        long last = Math.floorDiv(nowNanos - origin, tickNanos);
        if (last < current) return 0;
        int fired = 0;
        // After a pause longer than one turn every bucket is visited once, not once per tick missed.
        long stop = Math.min(last, current + mask);
        for (long t = current; t <= stop; t++) {
            VmSlot vm = buckets[(int) (t & mask)];
            while (vm != null) {
                VmSlot next = vm.wheelNext;
                if (vm.wheelTick <= last) {
                    remove(vm);
                    expiry.expired(vm);
                    fired++;
                }
                vm = next;
            }
        }
        current = last + 1;
        return fired;
    }

    /** Nanoseconds (origin scale) at which the next tick to process begins. */
    long nextTickNanos() { return origin + current * tickNanos; }

    int size() { return size; }
}
