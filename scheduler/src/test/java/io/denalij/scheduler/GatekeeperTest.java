package io.denalij.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Under a memory budget smaller than the swarm's working set, swapping keeps every VM going and loses nothing. */
class GatekeeperTest {
    @Test void everyVmFinishesItsRoundsWithIntactMemoryUnderABudgetOfAThirdOfTheWorkingSet() throws Exception {
        int vms = 24;
        // Each VM owns about 8 working-set pages + register page, data, stack, heap header: ~12 pages.
        long budget = 100;
        SchedulerConfig c = SchedulerConfig.defaults().withCarriers(2).withBudgetPages(budget);
        try (SwarmHarness h = new SwarmHarness(c)) {
            for (int i = 0; i < vms; i++) h.boot("rounds=12 period=3000 ws=32768 chunk=4096");
            h.scheduler.start();
            long maxResident = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!h.scheduler.awaitAllDone(TimeUnit.MILLISECONDS.toNanos(2))) {
                maxResident = Math.max(maxResident, h.scheduler.stats().residentPages());
                if (System.getenv("SCHED_TRACE") != null) System.out.println(h.scheduler.stats());
                assertTrue(System.nanoTime() < end, () -> "not done: " + h.scheduler.stats());
            }
            SchedulerStats s = h.scheduler.stats();
            for (int i = 0; i < vms; i++) {
                assertEquals(0, SwarmHarness.status(h.scheduler.vms().get(i)), h.console(i));
                SwarmHarness.Report r = h.report(i);
                assertEquals(12, r.rounds());
                assertEquals(0, r.errors(), "VM " + i + " found its memory changed");
            }
            assertTrue(s.swapOuts() >= vms, "VMs were swapped out: " + s);
            assertTrue(s.swapIns() >= vms / 2, "and came back: " + s);
            // The budget is enforced between quanta: a quantum may overshoot it by what the running VMs touch.
            assertTrue(maxResident <= budget + 4 * 12, "resident pages stayed near the budget: max " + maxResident);
            assertEquals(0, s.swapPages(), "nothing is left in the swap file");
        }
    }

    @Test void noEvictionAdmitsWaitingVmsOnlyAsOthersExit() throws Exception {
        SchedulerConfig c = SchedulerConfig.defaults().withCarriers(2).withBudgetPages(30).withPolicy(AdmissionPolicy::noEviction);
        try (SwarmHarness h = new SwarmHarness(c)) {
            for (int i = 0; i < 8; i++) h.boot("rounds=3 period=1000 ws=16384");
            h.scheduler.start();
            assertTrue(h.scheduler.awaitAllDone(TimeUnit.SECONDS.toNanos(60)), () -> "" + h.scheduler.stats());
            for (int i = 0; i < 8; i++) assertTrue(h.report(i).ok());
            assertEquals(0, h.scheduler.stats().swapOuts() - h.scheduler.stats().swapIns(), "every swapped VM came back");
        }
    }
}
