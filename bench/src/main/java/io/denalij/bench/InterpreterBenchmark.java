package io.denalij.bench;

import io.denalij.cpu.Cpu;
import io.denalij.devices.pc.PcMachine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/**
 * Guest instructions per second of the reference interpreter on the compute kernel's workloads.
 * One JMH operation is one guest instruction, so the score reads directly as instructions/s.
 *
 * <pre>java -jar bench/target/benchmarks.jar InterpreterBenchmark</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xss8m", "--sun-misc-unsafe-memory-access=allow"})
public class InterpreterBenchmark {
    static final int SLICE = 1_000_000;

    @Param({"alu", "sieve", "crc32", "fib", "matmul", "qsort", "bytecode", "memcpy"})
    public String workload;

    private byte[] kernel;
    private PcMachine machine;

    @Setup(Level.Trial)
    public void loadKernel() throws IOException {
        try (InputStream in = InterpreterBenchmark.class.getResourceAsStream("/testimages/pc/compute.elf")) {
            if (in == null) throw new IllegalStateException("compute.elf is not on the classpath");
            kernel = in.readAllBytes();
        }
        boot();
    }

    private void boot() {
        machine = new PcMachine(new PcMachine.Config(64L << 20, OutputStream.nullOutputStream(), 0));
        machine.loadMultiboot(kernel, "compute.elf " + workload);
    }

    @Benchmark
    @OperationsPerInvocation(SLICE)
    public long instructions() {
        long before = machine.state().icount;
        long done = 0;
        while (done < SLICE) {
            Cpu.StopReason r = machine.cpu().run(SLICE - done);
            done = machine.state().icount - before;
            if (r != Cpu.StopReason.LIMIT) { // the workload finished: boot it again and carry on counting
                boot();
                before = machine.state().icount - done;
            }
        }
        return machine.state().gpr[0];
    }
}
