package io.denalij.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 10,000 idle VMs cost (almost) nothing: a busy VM retires as many instructions per second with
 * them as without them. Each rate is the best of several short windows, so a machine busy with
 * other work (this one has 2 cores shared with builds) lowers both sides rather than one.
 */
class IdleCrowdTest {
    static final int CROWD = 10_000;

    @Test void tenThousandIdleVmsDoNotSlowABusyVm() throws Exception {
        try (SwarmHarness h = new SwarmHarness(SchedulerConfig.defaults().withCarriers(2))) {
            VmSlot busy = h.boot("busy ws=4096");
            h.scheduler.start();
            double alone = bestRate(busy, 7);

            for (int i = 0; i < CROWD; i++) h.bootQuiet("period=10000000 ws=4096"); // wake every 10 s
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (h.scheduler.stats().idle() < CROWD && System.nanoTime() < until) Thread.sleep(20);
            SchedulerStats s = h.scheduler.stats();
            assertEquals(CROWD, s.idle(), "the crowd booted and went idle: " + s);
            assertTrue(s.sleepers() >= CROWD - 100, "they sleep in the timer wheel: " + s);
            double crowded = bestRate(busy, 7);

            System.out.printf("busy VM alone %.1f M instr/s, with %d idle VMs %.1f M instr/s (%.1f%%)%n",
                    alone / 1e6, CROWD, crowded / 1e6, 100 * (crowded / alone - 1));
            assertTrue(crowded >= 0.95 * alone, String.format("with the idle crowd %.0f instr/s, alone %.0f", crowded, alone));
        }
    }

    /** The busy VM's best instruction rate over {@code windows} windows of 300 ms. */
    static double bestRate(VmSlot vm, int windows) throws InterruptedException {
        double best = 0;
        for (int w = 0; w < windows; w++) {
            long i0 = vm.instructions(), t0 = System.nanoTime();
            Thread.sleep(300);
            long i1 = vm.instructions(), t1 = System.nanoTime();
            best = Math.max(best, (i1 - i0) * 1e9 / (t1 - t0));
        }
        return best;
    }
}
