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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Boot time per VM: from nothing to the swarm guest's first IDLE (RAM with the image's pages
 * shared, CPU, devices, register page; then crt0, malloc and filling its default 4 KiB working set).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xss8m", "--sun-misc-unsafe-memory-access=allow"})
public class VmBootBenchmark {
    private GuestImage image;
    private IoExecutor io;
    private int id;

    @Setup(Level.Trial)
    public void load() {
        io = new IoExecutor(1);
        image = Swarms.image();
    }

    @Benchmark
    public DenaliMachine bootToFirstIdle() {
        DenaliMachine vm = Swarms.bootToIdle(id++, "", image, io);
        vm.close();
        return vm;
    }

    @TearDown(Level.Trial)
    public void close() { io.close(); }
}
