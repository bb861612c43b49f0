package io.denalij.scheduler;

import java.util.Iterator;

/**
 * The gatekeeper's choices under a memory budget. Admission itself is FIFO (VMs are let in in the
 * order they became ready to run, as the paper's gatekeeper does); a policy decides which resident
 * VMs make room when the head of that queue does not fit. The gatekeeper tells the policy who is
 * resident and asks it for candidates, in the order it prefers them to go, and takes the first that
 * may go now (idle, or runnable and having run at least once since it was admitted; never one
 * running on a carrier). Called from the gatekeeper thread only.
 */
public interface AdmissionPolicy {
    /** {@code vm} became resident (admitted, or added while the budget had room). */
    void resident(VmSlot vm);

    /** {@code vm} is no longer resident (swapped out, or over). */
    void left(VmSlot vm);

    /** Resident VMs in the order this policy would swap them out; may be empty (nobody is ever evicted). */
    Iterator<VmSlot> candidates();

    /** A short name for reports and benchmarks. */
    String name();

    /**
     * Round-robin residency: the VM resident longest goes first, so under a budget smaller than the
     * VMs' total working set every VM takes its turn in memory and none starves.
     */
    static AdmissionPolicy fifo() {
        return new FifoResidency();
    }

    /**
     * The paper's gatekeeper taken literally: once admitted a VM stays resident until it ends;
     * waiting VMs get in only as others exit and free their pages. Starves VMs that arrive once the
     * budget is full and nobody exits: a baseline for comparisons, not for long-running swarms.
     */
    static AdmissionPolicy noEviction() {
        return new AdmissionPolicy() {
            @Override public void resident(VmSlot vm) { }
            @Override public void left(VmSlot vm) { }
            @Override public Iterator<VmSlot> candidates() { return java.util.Collections.emptyIterator(); }
            @Override public String name() { return "no-eviction"; }
        };
    }
}
