package io.denalij.denali;

/** A clock that moves only when the test says so. */
final class ManualTime implements TimeSource {
    static final long WALL = 1_700_000_000_000_000_000L;
    private long now = 5_000_000_000L;

    @Override public long nanoTime() { return now; }

    @Override public long wallClockNanos() { return WALL; }

    void advanceMicros(long us) { now += us * 1000; }

    long now() { return now; }
}
