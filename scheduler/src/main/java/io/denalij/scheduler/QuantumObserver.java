package io.denalij.scheduler;

import io.denalij.denali.Quantum;

/**
 * Told after every quantum, on the carrier that ran it (tests check fairness with it; benchmarks
 * count switches). Must be cheap and thread-safe: carriers call it concurrently.
 */
@FunctionalInterface
public interface QuantumObserver {
    void ran(VmSlot vm, long instructions, Quantum result);
}
