package io.denalij.scheduler;

import java.util.ArrayList;
import java.util.List;

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
    static final int CROWD = 10_000, FEW = 100;

    @Test void tenThousandIdleVmsDoNotSlowABusyVm() throws Exception {
        try (SwarmHarness h = new SwarmHarness(SchedulerConfig.defaults().withCarriers(2))) {
            VmSlot busy = h.boot("busy ws=4096");
            h.scheduler.start();
            // The reference already has a few idle VMs: then both measurements run the HotSpot code
            // that booting and waking VMs leaves behind (booting the crowd after a lone busy VM
            // recompiles the interpreter loop with another profile, which moved the rate by +-10 %
            // either way on its own), and the difference is what 10,000 sleepers cost.
            List<VmSlot> crowd = new ArrayList<>();
            bootIdle(h, FEW, crowd);
            double alone = bestRate(busy, 10);

            bootIdle(h, CROWD - FEW, crowd);
            SchedulerStats s = h.scheduler.stats();
            assertEquals(CROWD, s.idle(), "the crowd booted and went idle: " + s);
            assertTrue(s.sleepers() >= CROWD - 100, "they sleep in the timer wheel: " + s);
            long crowdQuanta = quanta(crowd);
            double crowded = bestRate(busy, 10);
            long crowdRan = quanta(crowd) - crowdQuanta;

            System.out.printf("busy VM with %d idle VMs %.1f M instr/s, with %d idle VMs %.1f M instr/s (%.1f%%)%n",
                    FEW, alone / 1e6, CROWD, crowded / 1e6, 100 * (crowded / alone - 1));
            // The exact part of the claim: sleeping VMs take no quantum at all while the busy VM runs.
            assertEquals(0, crowdRan, "quanta the 10,000 sleepers ran during the 3 s of measurement");
            // The timed part, a coarse guard: on this shared 2-core machine two 3 s measurements of the
            // same configuration differ by up to 15 %, so only a loss beyond 20 % fails here; the JMH
            // benchmarks (bench/) measure the cost itself.
            assertTrue(crowded >= 0.80 * alone, String.format("with the idle crowd %.0f instr/s, with %d idle %.0f", crowded, FEW, alone));
        }
    }

    private static long quanta(List<VmSlot> vms) {
        long q = 0;
        for (VmSlot v : vms) q += v.quanta();
        return q;
    }

    /**
     * Boots {@code n} more VMs that wake every 100 s (never, within the test), waits until every one
     * of them is idle, and lets the GC settle.
     */
    private static void bootIdle(SwarmHarness h, int n, List<VmSlot> into) throws InterruptedException {
        int target = h.scheduler.stats().idle() + n;
        for (int i = 0; i < n; i++) into.add(h.bootQuiet("period=100000000 ws=4096"));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (h.scheduler.stats().idle() < target && System.nanoTime() < until) Thread.sleep(20);
        System.gc(); // booting left garbage and a grown heap: time the VMs, not the collector
        Thread.sleep(500);
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
