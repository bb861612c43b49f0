package io.denalij.bench;

import io.denalij.denali.GuestImage;
import io.denalij.denali.TimeSource;
import io.denalij.devices.denali.IoExecutor;
import io.denalij.scheduler.Scheduler;
import io.denalij.scheduler.SchedulerConfig;
import io.denalij.scheduler.VmSlot;
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
 * IDLE wake-up latency: a VM sleeps in IDLE with no timeout among {@code sleepers} other idle VMs;
 * the benchmark thread offers it console input (the lock-free queue and wakeup callback a NIC or
 * disk completion uses too) and waits until the VM has run and gone idle again. The time covers
 * the wake-up (CAS, priority run queue, carrier unpark) and the woken quantum (the swarm guest's
 * round: about 3,000 guest instructions).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xss8m", "-Xmx8g", "--sun-misc-unsafe-memory-access=allow"})
public class WakeupLatencyBenchmark {
    @Param({"0", "10000"})
    public int sleepers;

    private Scheduler scheduler;
    private IoExecutor io;
    private VmSlot probe;
    private volatile long probeQuanta;
    private static final byte[] INPUT = {'x'};

    @Setup(Level.Trial)
    public void boot() throws InterruptedException {
        io = new IoExecutor(1);
        scheduler = new Scheduler(SchedulerConfig.defaults().withCarriers(1), TimeSource.host());
        GuestImage image = Swarms.image();
        probe = scheduler.boot(Swarms.config(0, "period=4294967295", io), image);
        for (int i = 1; i <= sleepers; i++) scheduler.boot(Swarms.config(i, "period=60000000", io), image);
        scheduler.setObserver((vm, n, q) -> {
            if (vm == probe) probeQuanta = vm.quanta();
        });
        scheduler.start();
        while (scheduler.stats().idle() < sleepers + 1) Thread.sleep(10);
    }

    @Benchmark
    public long eventToWokenQuantumEnd() {
        long seen = probeQuanta;
        probe.machine().offerConsoleInput(INPUT);
        while (probeQuanta == seen) Thread.onSpinWait();
        while (!"idle".equals(probe.stateName())) Thread.onSpinWait(); // back in IDLE, ready for the next event
        return probeQuanta;
    }

    @TearDown(Level.Trial)
    public void close() {
        scheduler.close();
        io.close();
    }
}
