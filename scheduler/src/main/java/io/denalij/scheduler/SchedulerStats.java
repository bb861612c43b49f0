package io.denalij.scheduler;

/**
 * A snapshot of a swarm, for progress lines and summaries. Counts are taken one VM at a time while
 * the VMs run, so they add up to {@code vms} but each is only as fresh as the moment it was read.
 *
 * @param vms            VMs added (booted)
 * @param running        on a carrier now
 * @param runnable       in the run queue
 * @param idle           resident and sleeping (timer wheel or waiting for an event)
 * @param swapped        swapped out (sleeping, or ready and waiting for admission)
 * @param waiting        ready, not swapped, waiting for admission
 * @param exited         ended with TERMINATE
 * @param faulted        ended by a fault (or an internal error in the emulator)
 * @param ran            VMs that have run at least one quantum
 * @param instructions   guest instructions retired by all VMs
 * @param quanta         quanta run by all VMs
 * @param residentPages  guest pages resident in the JVM (owned by VMs; shared image pages not counted)
 * @param budgetPages    the gatekeeper's budget, or {@link SchedulerConfig#UNLIMITED}
 * @param swapPages      pages in the swap file
 * @param swapOuts       VMs swapped out so far
 * @param swapIns        VMs swapped back in so far
 * @param sleepers       VMs in the timer wheel
 */
public record SchedulerStats(int vms, int running, int runnable, int idle, int swapped, int waiting, int exited,
                             int faulted, int ran, long instructions, long quanta, long residentPages, long budgetPages,
                             long swapPages, long swapOuts, long swapIns, int sleepers) {
    /** VMs that are over (exited or faulted). */
    public int done() { return exited + faulted; }
}
