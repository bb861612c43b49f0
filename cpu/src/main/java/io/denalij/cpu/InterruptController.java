package io.denalij.cpu;

/**
 * What the CPU asks its external interrupt controller (the 8259A pair in PC mode).
 *
 * <p>The CPU calls {@link #pending()} only between instructions and only when EFLAGS.IF is set,
 * then {@link #acknowledge()} for the vector (the INTA cycle). {@code pending()} is polled at every
 * instruction boundary where interrupts are enabled, so it must be a cheap field read.
 */
public interface InterruptController {
    /** True when the INTR line is asserted. */
    boolean pending();

    /** The INTA cycle: returns the vector of the highest-priority request and marks it in service. */
    int acknowledge();

    InterruptController NONE = new InterruptController() {
        @Override public boolean pending() { return false; }
        @Override public int acknowledge() { throw new IllegalStateException("no interrupt controller"); }
    };
}
