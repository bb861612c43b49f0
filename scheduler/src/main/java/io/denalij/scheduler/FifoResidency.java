package io.denalij.scheduler;

import java.util.Iterator;
import java.util.LinkedHashSet;

/** {@link AdmissionPolicy#fifo()}: residents in the order they came in; the oldest leaves first. */
final class FifoResidency implements AdmissionPolicy {
    private final LinkedHashSet<VmSlot> residents = new LinkedHashSet<>();

    @Override public void resident(VmSlot vm) {
        residents.remove(vm);
        residents.add(vm);
    }

    @Override public void left(VmSlot vm) {
        residents.remove(vm);
    }

    @Override public Iterator<VmSlot> candidates() {
        return residents.iterator();
    }

    @Override public String name() { return "fifo"; }
}
