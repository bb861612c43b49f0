package io.denalij.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denalij.denali.Quantum;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Round-robin with quanta counted in guest instructions: a VM that never idles gets its quantum and no more. */
class FairnessTest {
    record Turn(int vm, long instructions, boolean ready) { }

    @Test void busyVmsTakeStrictTurnsOfExactlyOneQuantumWhileIdlersComeAndGo() throws Exception {
        long quantum = 50_000;
        SchedulerConfig c = SchedulerConfig.defaults().withCarriers(1).withQuantum(quantum);
        List<Turn> turns = new ArrayList<>();
        try (SwarmHarness h = new SwarmHarness(c)) {
            h.scheduler.setObserver((vm, n, q) -> {
                synchronized (turns) { turns.add(new Turn(vm.index(), n, q instanceof Quantum.Ready)); }
            });
            for (int i = 0; i < 3; i++) h.boot("busy rounds=3000 ws=16384 chunk=1024");
            for (int i = 0; i < 2; i++) h.boot("period=500 rounds=200");
            h.scheduler.start();
            assertTrue(h.scheduler.awaitAllDone(TimeUnit.SECONDS.toNanos(120)), () -> "" + h.scheduler.stats());
            for (int i = 0; i < 5; i++) assertTrue(h.report(i).ok());
        }
        List<Turn> busy = turns.stream().filter(t -> t.vm() < 3).toList();
        int fullQuanta = 0;
        for (Turn t : busy) {
            assertTrue(t.instructions() <= quantum, "a turn never exceeds the quantum: " + t);
            if (t.ready()) {
                assertEquals(quantum, t.instructions(), "a VM that was not done got exactly its quantum: " + t);
                fullQuanta++;
            }
        }
        assertTrue(fullQuanta > 300, "the busy VMs ran many quanta: " + fullQuanta);
        // While all three busy VMs live, their turns go round: between two turns of one, each other takes exactly one.
        int firstEnd = busy.size();
        for (int i = 0; i < busy.size(); i++) if (!busy.get(i).ready()) { firstEnd = i; break; }
        for (int i = 3; i < firstEnd; i++) {
            assertEquals(busy.get(i - 3).vm(), busy.get(i).vm(), "turn " + i + " breaks round-robin");
        }
        assertTrue(firstEnd > 300, "round-robin was checked over " + firstEnd + " turns");
        assertTrue(turns.stream().anyMatch(t -> t.vm() >= 3), "the idlers ran between the busy VMs' turns");
    }
}
