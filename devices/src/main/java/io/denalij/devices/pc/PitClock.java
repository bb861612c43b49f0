package io.denalij.devices.pc;

/**
 * The 8254's input clock (1.193182 MHz, the NTSC colour burst divided by 3) expressed in
 * virtual nanoseconds. Edge {@code k} is the k-th rising clock edge after time zero; both
 * conversions are exact integer arithmetic, so a deadline computed with {@link #nsOfEdge} is
 * never a nanosecond early.
 */
public final class PitClock {
    public static final long HZ = 1_193_182;
    private static final long NS_PER_S = 1_000_000_000L;

    private PitClock() { }

    /** How many clock edges have happened at or before {@code ns}. */
    public static long edgeAt(long ns) {
        return (ns / NS_PER_S) * HZ + (ns % NS_PER_S) * HZ / NS_PER_S;
    }

    /** The first nanosecond at which {@code edge} has happened. */
    public static long nsOfEdge(long edge) {
        if (edge == Long.MAX_VALUE) return Long.MAX_VALUE;
        long whole = edge / HZ, rest = edge % HZ;
        return whole * NS_PER_S + (rest * NS_PER_S + HZ - 1) / HZ;
    }
}
