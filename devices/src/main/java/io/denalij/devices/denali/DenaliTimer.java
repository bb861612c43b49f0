package io.denalij.devices.denali;

/**
 * The periodic timer of one VM, driven by {@code timer_period_us} from the register page and by the
 * machine's virtual clock. It only acts at quantum boundaries: if one or more periods ended since the
 * last boundary it raises TIMER once. Missed periods coalesce into that one pending bit (the guest
 * learns how much time passed from {@code time_ns}); the next deadline keeps the original phase, so a
 * late boundary does not make the timer drift.
 *
 * <p>A change of period (including switching it on) restarts the timer: the first interrupt comes one
 * new period after the boundary that saw the change. Period 0 switches it off.
 */
public final class DenaliTimer {
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    private long periodNs;
    private long deadlineNs = NO_DEADLINE;
    private long interrupts;

    /**
     * At a quantum boundary: {@code nowNs} is virtual time, {@code periodUs} the guest's
     * timer_period_us (a u32). Returns {@link DenaliInterrupts#TIMER} if a period has ended, else 0.
     */
    int boundary(long nowNs, int periodUs) {
        long period = Integer.toUnsignedLong(periodUs) * 1000L;
        if (period != periodNs) {
            periodNs = period;
            deadlineNs = period == 0 ? NO_DEADLINE : nowNs + period;
            return 0;
        }
        if (period == 0 || nowNs < deadlineNs) return 0;
        long missed = (nowNs - deadlineNs) / period;
        deadlineNs += (missed + 1) * period;
        interrupts++;
        return DenaliInterrupts.TIMER;
    }

    /** Virtual time of the next TIMER interrupt, or {@link #NO_DEADLINE} when the timer is off. */
    public long nextDeadlineNs() { return deadlineNs; }

    /** TIMER interrupts raised so far (coalesced periods count once). */
    public long interrupts() { return interrupts; }
}
