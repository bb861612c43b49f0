package io.denalij.scheduler;

import io.denalij.denali.DenaliMachine;
import io.denalij.denali.Quantum;

/**
 * One carrier thread: takes a runnable VM from the {@link RunQueue}, runs it for one quantum of
 * guest instructions, and puts it where its result says (back in the queue, to sleep, or to rest
 * for good). A VM is plain objects, so switching VMs is just calling another machine's
 * {@code runQuantum}. Exceptions that escape a VM end that VM only.
 */
final class Carrier implements Runnable {
    private final Scheduler scheduler;
    private final RunQueue queue;
    private final long quantum;
    private RunQueue.Parked parked;

    Carrier(Scheduler scheduler, RunQueue queue, long quantum) {
        this.scheduler = scheduler;
        this.queue = queue;
        this.quantum = quantum;
    }

    @Override public void run() {
        parked = new RunQueue.Parked(Thread.currentThread());
        while (!scheduler.stopping()) {
            VmSlot vm = queue.poll(parked);
            if (vm == null) {
                queue.await(parked, 10_000_000);
                continue;
            }
            if (!vm.cas(VmSlot.QUEUED, VmSlot.RUNNING)) {
                throw new IllegalStateException(vm + " was in the run queue but not runnable");
            }
            if (vm.evictRequested) {
                vm.set(VmSlot.SWAPPING);
                scheduler.gatekeeper().handOver(vm);
                continue;
            }
            runOne(vm);
        }
    }

    private void runOne(VmSlot vm) {
        DenaliMachine m = vm.machine();
        long before = m.instructions();
        Quantum q;
        try {
            q = m.runQuantum(quantum);
        } catch (RuntimeException | StackOverflowError e) {
            vm.ranQuantum(m.instructions());
            scheduler.crashed(vm, e);
            return;
        }
        long retired = m.instructions();
        vm.ranQuantum(retired);
        scheduler.accountPages(vm);
        QuantumObserver observer = scheduler.observer();
        if (observer != null) observer.ran(vm, retired - before, q);
        switch (q) {
            case Quantum.Ready r -> {
                if (vm.evictRequested) handOver(vm, Long.MIN_VALUE);
                else scheduler.requeue(vm, false);
            }
            case Quantum.Idle(long until) -> {
                if (vm.evictRequested) handOver(vm, until);
                else scheduler.sleep(vm, until);
            }
            case Quantum.Terminated t -> scheduler.finished(vm, q);
            case Quantum.Faulted f -> scheduler.finished(vm, q);
        }
    }

    private void handOver(VmSlot vm, long deadline) {
        vm.deadline = deadline;
        vm.set(VmSlot.SWAPPING);
        scheduler.gatekeeper().handOver(vm);
    }
}
