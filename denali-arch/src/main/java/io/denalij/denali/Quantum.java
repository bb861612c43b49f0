package io.denalij.denali;

/** How one call of {@link DenaliMachine#runQuantum} ended. */
public sealed interface Quantum {
    /**
     * RUNNABLE: the instruction budget ran out, or the VM has something to do at once (an IDLE that
     * returns, an interrupt to deliver): run it again when its turn comes.
     */
    record Ready() implements Quantum { }

    /**
     * The VM executed IDLE: do not run it before {@code untilNanos} (on its {@link TimeSource}'s
     * {@code nanoTime()} scale; Long.MAX_VALUE = only an event wakes it) unless
     * {@link DenaliMachine#eventsWaiting()} becomes true (the devices' wakeup callback says when).
     */
    record Idle(long untilNanos) implements Quantum { }

    /** The guest executed TERMINATE with this status; the VM is over. */
    record Terminated(int status) implements Quantum { }

    /** A fault ended the VM. */
    record Faulted(FaultReport report) implements Quantum { }

    Ready RUNNABLE = new Ready();

    /** True once the VM is over (terminated or faulted). */
    default boolean finished() { return this instanceof Terminated || this instanceof Faulted; }
}
