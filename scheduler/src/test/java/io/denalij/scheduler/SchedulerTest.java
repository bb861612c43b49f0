package io.denalij.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SchedulerTest {
    @Test void aSwarmOfIdlingVmsAllRunTheirRoundsAndReportIntactMemory() throws Exception {
        try (SwarmHarness h = new SwarmHarness(SchedulerConfig.defaults().withCarriers(2))) {
            for (int i = 0; i < 50; i++) h.boot("rounds=10 period=2000 ws=8192 chunk=1024");
            h.scheduler.start();
            assertTrue(h.scheduler.awaitAllDone(TimeUnit.SECONDS.toNanos(60)), () -> "not all done: " + h.scheduler.stats());
            for (int i = 0; i < 50; i++) {
                assertEquals(0, SwarmHarness.status(h.scheduler.vms().get(i)), h.console(i));
                SwarmHarness.Report r = h.report(i);
                assertEquals(i, r.vm());
                assertEquals(10, r.rounds());
                assertEquals(0, r.errors());
                // 10 rounds of one 1 KiB chunk, plus the final check of all 8 chunks, 256 words each
                assertEquals((10 + 8) * 256, r.checked());
            }
            SchedulerStats s = h.scheduler.stats();
            assertEquals(50, s.exited());
            assertEquals(0, s.faulted());
            assertEquals(50, s.ran());
            assertEquals(0, s.residentPages(), "ended VMs no longer count");
        }
    }

    @Test void consoleInputWakesAnIdleVmThatThenStops() throws Exception {
        try (SwarmHarness h = new SwarmHarness(SchedulerConfig.defaults().withCarriers(1))) {
            h.boot("period=4294967295"); // IDLE without a timeout: only an event wakes it
            h.scheduler.start();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (h.scheduler.stats().idle() != 1 && System.nanoTime() < until) Thread.sleep(5);
            assertEquals(1, h.scheduler.stats().idle());
            assertEquals(0, h.scheduler.stats().sleepers(), "a VM idle without a timeout is not in the timer wheel");
            Thread.sleep(100);
            assertEquals(1, h.scheduler.stats().idle(), "it stays asleep");
            assertEquals(1, h.scheduler.broadcastConsole("q".getBytes()));
            assertTrue(h.scheduler.awaitAllDone(TimeUnit.SECONDS.toNanos(10)));
            SwarmHarness.Report r = h.report(0);
            assertEquals(1, r.rounds());
            assertTrue(r.ok());
        }
    }

    @Test void aFaultingVmEndsAloneAndTheOthersRunOn() throws Exception {
        try (SwarmHarness h = new SwarmHarness(SchedulerConfig.defaults().withCarriers(2))) {
            for (int i = 0; i < 10; i++) h.boot(i == 3 ? "fault=2 period=1000" : "rounds=20 period=1000");
            h.scheduler.start();
            assertTrue(h.scheduler.awaitAllDone(TimeUnit.SECONDS.toNanos(60)));
            List<VmSlot> vms = h.scheduler.vms();
            assertTrue(vms.get(3).result() instanceof io.denalij.denali.Quantum.Faulted f
                    && f.report().message().startsWith("VM 3: #PF(0x6) at eip"), () -> "" + vms.get(3).result());
            for (int i = 0; i < 10; i++) {
                if (i == 3) continue;
                assertEquals(0, SwarmHarness.status(vms.get(i)));
                assertEquals(20, h.report(i).rounds());
            }
            assertEquals(9, h.scheduler.stats().exited());
            assertEquals(1, h.scheduler.stats().faulted());
        }
    }
}
