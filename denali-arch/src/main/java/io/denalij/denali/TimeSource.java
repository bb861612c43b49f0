package io.denalij.denali;

/**
 * Where a Denali VM's time comes from. Denali mode follows real time (docs/DENALI.md, "Time"): its
 * guests serve real clients, so an IDLE timeout of 10 ms must wake the VM 10 ms later by the wall
 * clock, however many instructions ran meanwhile. Tests substitute a manual clock.
 */
public interface TimeSource {
    /** A monotonic clock in nanoseconds (any origin), as {@link System#nanoTime()}. */
    long nanoTime();

    /** Unix time in nanoseconds, for {@code wall_ns}. */
    long wallClockNanos();

    /** The host's clocks. */
    static TimeSource host() {
        return HostTime.INSTANCE;
    }

    /** The host's clocks: System.nanoTime() and the system wall clock. */
    enum HostTime implements TimeSource {
        INSTANCE;

        @Override public long nanoTime() { return System.nanoTime(); }

        @Override public long wallClockNanos() {
            java.time.Instant now = java.time.Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }
    }
}
