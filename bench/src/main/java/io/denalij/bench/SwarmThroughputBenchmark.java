package io.denalij.bench;

import io.denalij.denali.GuestImage;
import io.denalij.denali.TimeSource;
import io.denalij.devices.denali.IoExecutor;
import io.denalij.scheduler.Scheduler;
import io.denalij.scheduler.SchedulerConfig;
import io.denalij.scheduler.SchedulerStats;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Aggregate guest instructions per second against the number of VMs, every VM compute-bound (the
 * swarm guest in {@code busy} mode: it checks and rewrites its 16 KiB working set without ever
 * idling), one carrier per core. With {@code budget=half} the gatekeeper may keep only half the
 * VMs' pages resident, so VMs are swapped out and in all the time (round-robin residency).
 * Secondary result {@code instructionsPerSecond}; the primary score is the measuring window.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xss8m", "-Xmx16g", "--sun-misc-unsafe-memory-access=allow",
        // Chronicle Bytes (the swap file) on JDK 25: see /work/shared/notes/libraries-on-jdk25.md
        "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens", "java.base/java.io=ALL-UNNAMED", "--add-opens", "java.base/java.util=ALL-UNNAMED",
        "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "--add-exports", "jdk.unsupported/sun.misc=ALL-UNNAMED",
        "--enable-native-access=ALL-UNNAMED"})
public class SwarmThroughputBenchmark {
    static final long WINDOW_NANOS = 3_000_000_000L;

    @Param({"1", "10", "100", "1000", "10000", "100000"})
    public int vms;

    @Param({"none", "half"})
    public String budget;

    private Scheduler scheduler;
    private IoExecutor io;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Rate {
        public double instructionsPerSecond;
        public long swapIns;
    }

    @Setup(Level.Trial)
    public void boot() throws InterruptedException {
        io = new IoExecutor(1);
        GuestImage image = Swarms.image();
        // Each busy VM owns about 8 pages: register page, data, stack, heap with the 16 KiB working set.
        long pagesPerVm = 8;
        SchedulerConfig c = SchedulerConfig.defaults();
        if (budget.equals("half")) c = c.withBudgetPages(Math.max(pagesPerVm, vms * pagesPerVm / 2));
        scheduler = new Scheduler(c, TimeSource.host());
        for (int i = 0; i < vms; i++) scheduler.boot(Swarms.config(i, "busy ws=16384", io), image);
        scheduler.start();
        while (scheduler.stats().ran() < vms) Thread.sleep(50);
    }

    @Benchmark
    public long window(Rate rate) throws InterruptedException {
        SchedulerStats a = scheduler.stats();
        long t0 = System.nanoTime();
        Thread.sleep(WINDOW_NANOS / 1_000_000);
        SchedulerStats b = scheduler.stats();
        long t1 = System.nanoTime();
        rate.instructionsPerSecond = (b.instructions() - a.instructions()) * 1e9 / (t1 - t0);
        rate.swapIns = b.swapIns() - a.swapIns();
        return b.instructions();
    }

    @TearDown(Level.Trial)
    public void close() {
        scheduler.close();
        io.close();
    }
}
