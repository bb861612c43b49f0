package io.denalij.bench;

import io.denalij.denali.DenaliMachine;
import io.denalij.denali.GuestImage;
import io.denalij.devices.denali.IoExecutor;
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
 * VM switch cost: a carrier going round a ring of busy VMs, one guest instruction per quantum, so
 * nearly all the time is the switch itself (quantum boundary: time, TSC, device bits, register
 * page; and the other VM's state coming into the CPU caches). The score is ns per switch.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xss8m", "-Xmx8g", "--sun-misc-unsafe-memory-access=allow"})
public class VmSwitchBenchmark {
    @Param({"2", "1000"})
    public int vms;

    private DenaliMachine[] ring;
    private int next;
    private IoExecutor io;

    @Setup(Level.Trial)
    public void boot() {
        io = new IoExecutor(1);
        GuestImage image = Swarms.image();
        ring = new DenaliMachine[vms];
        // Busy swarm VMs never idle: every quantum ends at its instruction limit.
        for (int i = 0; i < vms; i++) {
            ring[i] = DenaliMachine.boot(Swarms.config(i, "busy", io), image);
            ring[i].runQuantum(200_000); // past crt0 and the working-set fill
        }
    }

    @Benchmark
    public Object switchToNextVm() {
        DenaliMachine vm = ring[next];
        next = next + 1 == ring.length ? 0 : next + 1;
        return vm.runQuantum(1);
    }

    @TearDown(Level.Trial)
    public void close() {
        for (DenaliMachine vm : ring) vm.close();
        io.close();
    }
}
