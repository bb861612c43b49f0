package io.denalij.scheduler;

import io.denalij.cpu.ExecutionEngine;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * How a {@link Scheduler} runs its VMs.
 *
 * @param carriers            carrier threads that run VMs (default: one per core)
 * @param quantumInstructions guest instructions a VM may retire before the carrier switches to the next one
 * @param tickNanos           resolution of the timer wheel that holds idle VMs
 * @param wheelSlots          buckets of the timer wheel (a power of two); deadlines beyond one turn wait extra turns
 * @param priorityBurst       VMs just back from IDLE go first, but at most this many in a row before one VM
 *                            from the normal queue, so a storm of wake-ups cannot starve compute-bound VMs
 * @param budgetPages         resident guest pages the gatekeeper allows; {@link #UNLIMITED} admits every VM at once
 * @param headroomPages       free pages the gatekeeper wants for a VM it admits, beyond the pages it brings back
 * @param swapFile            where swapped-out pages go (created, and deleted at close); null: a temporary file
 * @param swapCapacityPages   pages the swap file can hold (the file is sparse: unused capacity costs no disk)
 * @param policy              makes the gatekeeper's eviction choices (one instance per scheduler)
 * @param engine              the second tier every VM runs its hot code on (one for all, so that a block compiled
 *                            for one VM of an image runs compiled in all of them); null: interpret everything
 */
public record SchedulerConfig(int carriers, long quantumInstructions, long tickNanos, int wheelSlots, int priorityBurst,
                              long budgetPages, int headroomPages, Path swapFile, long swapCapacityPages,
                              Supplier<AdmissionPolicy> policy, ExecutionEngine engine) {
    public static final long UNLIMITED = Long.MAX_VALUE;

    public SchedulerConfig {
        if (carriers < 1) throw new IllegalArgumentException("at least one carrier thread, not " + carriers);
        if (quantumInstructions < 1) throw new IllegalArgumentException("a quantum needs at least one instruction");
        if (tickNanos < 1_000) throw new IllegalArgumentException("the timer tick must be at least 1 us");
        if (wheelSlots < 2 || Integer.bitCount(wheelSlots) != 1) throw new IllegalArgumentException("wheel slots must be a power of two >= 2");
        if (priorityBurst < 1) throw new IllegalArgumentException("priority burst must be at least 1");
        if (budgetPages < 1) throw new IllegalArgumentException("the memory budget must be at least one page");
        if (headroomPages < 0) throw new IllegalArgumentException("negative headroom");
        if (swapCapacityPages < 1) throw new IllegalArgumentException("the swap file must hold at least one page");
    }

    /** One carrier per core, 100,000-instruction quanta, a 1 ms wheel of 4096 slots, no memory budget. */
    public static SchedulerConfig defaults() {
        return new SchedulerConfig(Runtime.getRuntime().availableProcessors(), 100_000, 1_000_000, 4096, 8,
                UNLIMITED, 4, null, 4L << 20, AdmissionPolicy::fifo, null);
    }

    public SchedulerConfig withCarriers(int n) {
        return new SchedulerConfig(n, quantumInstructions, tickNanos, wheelSlots, priorityBurst, budgetPages, headroomPages,
                swapFile, swapCapacityPages, policy, engine);
    }

    public SchedulerConfig withQuantum(long instructions) {
        return new SchedulerConfig(carriers, instructions, tickNanos, wheelSlots, priorityBurst, budgetPages, headroomPages,
                swapFile, swapCapacityPages, policy, engine);
    }

    public SchedulerConfig withTick(long nanos) {
        return new SchedulerConfig(carriers, quantumInstructions, nanos, wheelSlots, priorityBurst, budgetPages, headroomPages,
                swapFile, swapCapacityPages, policy, engine);
    }

    public SchedulerConfig withBudgetPages(long pages) {
        return new SchedulerConfig(carriers, quantumInstructions, tickNanos, wheelSlots, priorityBurst, pages, headroomPages,
                swapFile, swapCapacityPages, policy, engine);
    }

    public SchedulerConfig withSwapFile(Path file, long capacityPages) {
        return new SchedulerConfig(carriers, quantumInstructions, tickNanos, wheelSlots, priorityBurst, budgetPages, headroomPages,
                file, capacityPages, policy, engine);
    }

    public SchedulerConfig withPolicy(Supplier<AdmissionPolicy> p) {
        return new SchedulerConfig(carriers, quantumInstructions, tickNanos, wheelSlots, priorityBurst, budgetPages, headroomPages,
                swapFile, swapCapacityPages, p, engine);
    }

    /** Every VM booted from now on runs on {@code e} (null: interpreted only). */
    public SchedulerConfig withEngine(ExecutionEngine e) {
        return new SchedulerConfig(carriers, quantumInstructions, tickNanos, wheelSlots, priorityBurst, budgetPages, headroomPages,
                swapFile, swapCapacityPages, policy, e);
    }

    public boolean hasBudget() { return budgetPages != UNLIMITED; }
}
