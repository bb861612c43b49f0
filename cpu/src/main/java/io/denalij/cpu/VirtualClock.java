package io.denalij.cpu;

/**
 * A machine's notion of time: deterministic, driven by retired instructions rather than the host
 * clock, so that runs repeat exactly and a halted CPU can jump straight to its next timer event.
 *
 * <p>One retired instruction is one nanosecond (a nominal 1 GHz CPU; RDTSC counts the same ticks).
 * Devices register {@link Timer}s; the execution loop runs until {@link #nextDeadline()} and then
 * calls {@link #runDue()}. A machine has a handful of timers, so a small array beats a heap.
 */
public final class VirtualClock {
    /** A device's timer: fires once at its deadline; the device re-arms it from {@link #fire}. */
    public abstract static class Timer {
        long deadline = Long.MAX_VALUE;
        public final boolean armed() { return deadline != Long.MAX_VALUE; }
        public final long deadline() { return deadline; }
        /** Called by {@link VirtualClock#runDue()} at or after the deadline, with the current time. */
        protected abstract void fire(long nowNs);
    }

    public static final long NS_PER_INSTRUCTION = 1;
    public static final long CPU_KHZ = 1_000_000;

    private final CpuState cpu;
    /** Nanoseconds skipped while halted (time passes without instructions). */
    private long skippedNs;
    private Timer[] timers = new Timer[4];
    private int count;
    private long nextDeadline = Long.MAX_VALUE;

    public VirtualClock(CpuState cpu) {
        this.cpu = cpu;
    }

    public long nowNs() { return cpu.icount * NS_PER_INSTRUCTION + skippedNs; }

    /** Lets time pass without executing (a halted CPU waiting for its next interrupt). */
    public void skipTo(long ns) {
        long now = nowNs();
        if (ns > now) skippedNs += ns - now;
    }

    public long nextDeadline() { return nextDeadline; }

    /** Arms (or re-arms) a timer for an absolute time in ns; Long.MAX_VALUE disarms it. */
    public void arm(Timer t, long atNs) {
        int i = indexOf(t);
        if (i < 0) {
            if (count == timers.length) timers = java.util.Arrays.copyOf(timers, count * 2);
            timers[count++] = t;
        }
        t.deadline = atNs;
        recompute();
    }

    public void disarm(Timer t) { arm(t, Long.MAX_VALUE); }

    /** Fires every timer whose deadline has passed (each may re-arm itself). */
    public void runDue() {
        long now = nowNs();
        for (int guard = 0; nextDeadline <= now && guard < 1_000_000; guard++) {
            for (int i = 0; i < count; i++) {
                Timer t = timers[i];
                if (t.deadline <= now) {
                    t.deadline = Long.MAX_VALUE;
                    recompute();
                    t.fire(now);
                }
            }
            recompute();
        }
    }

    private int indexOf(Timer t) {
        for (int i = 0; i < count; i++) if (timers[i] == t) return i;
        return -1;
    }

    private void recompute() {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < count; i++) min = Math.min(min, timers[i].deadline);
        nextDeadline = min;
    }
}
