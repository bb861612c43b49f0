package io.denalij.bench;

import io.denalij.cpu.Cpu;
import io.denalij.cpu.CpuState;
import io.denalij.cpu.ExecutionEngine;
import io.denalij.cpu.Memory;
import io.denalij.cpu.decode.Decoder;
import io.denalij.cpu.decode.Instruction;
import io.denalij.cpu.decode.Op;
import io.denalij.cpu.exec.CodeCache;
import io.denalij.cpu.exec.Interpreter;
import io.denalij.devices.pc.PcMachine;
import io.denalij.mmu.WriteWatch;
import io.denalij.mmu.image.ElfImage;
import io.denalij.translator.BlockTranslator;
import io.denalij.translator.JitEngine;
import io.denalij.translator.TranslationCache;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The translator's own cost, and what its code achieves on block-to-block dispatch.
 *
 * <p>{@code bytecode} and {@code defineHiddenClass}: every basic block of the compute kernel's code
 * (a linear sweep of its executable segment, blocks cut where the code cache cuts them) translated
 * afresh. {@code bytecode} is ASM's code generation alone; {@code defineHiddenClass} adds class
 * definition and instantiation, the whole price of a translation. The primary score is us per
 * sweep; the secondary result {@code ·instructions} is us per guest instruction translated (the
 * setup prints how many a sweep holds).
 *
 * <p>{@code dispatch}: the compute kernel's {@code bytecode} workload (a switch-dispatched bytecode
 * interpreter: short blocks ending in an indirect jump through a table, one per guest bytecode) run
 * under {@link JitEngine}, one invocation a slice of {@link #SLICE} guest instructions. The primary
 * score is guest instructions/s; {@code ·blocks} is entries into translated code per second (each runs
 * one region: an entry block and the members it jumps to without the executor), and
 * {@code ·translatedInstructions} the guest instructions/s that ran in translated code (the rest
 * were interpreted: blocks not yet hot, or not translatable). {@code -p workload=fib} etc. runs
 * another compute workload the same way.
 *
 * <pre>java -jar bench/target/benchmarks.jar TranslatorBenchmark
 * java -jar bench/target/benchmarks.jar TranslatorBenchmark.dispatch -f 1 -wi 1 -i 1 -w 1s -r 1s</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xss8m", "--sun-misc-unsafe-memory-access=allow"})
public class TranslatorBenchmark {
    private final List<Instruction[]> blocks = new ArrayList<>();
    private final List<Op[]> ops = new ArrayList<>();
    public int instructions;
    private final BlockTranslator translator = new BlockTranslator();
    private final TranslationCache cache = new TranslationCache();

    @Setup(Level.Trial)
    public void decode() throws IOException {
        byte[] file;
        try (InputStream in = TranslatorBenchmark.class.getResourceAsStream("/testimages/pc/compute.elf")) {
            if (in == null) throw new IllegalStateException("compute.elf is not on the classpath");
            file = in.readAllBytes();
        }
        Decoder d = new Decoder();
        for (ElfImage.Segment seg : ElfImage.parse(file).loadSegments()) {
            if (!seg.executable()) continue;
            byte[] text = seg.fileBytes();
            int at = 0;
            while (at < text.length - 16) {
                List<Instruction> block = new ArrayList<>();
                while (block.size() < 32 && at < text.length - 16) {
                    Instruction in = d.decode(text, at, (int) seg.vaddr() + at, true);
                    block.add(in);
                    at += in.length;
                    if (CodeCache.endsBlock(in)) break;
                }
                Instruction[] b = block.toArray(new Instruction[0]);
                Op[] o = new Op[b.length];
                for (int k = 0; k < b.length; k++) o[k] = Interpreter.lockValid(b[k]) ? b[k].op : Op.INVALID;
                blocks.add(b);
                ops.add(o);
                instructions += b.length;
            }
        }
        System.out.printf("%n%d blocks, %d guest instructions per sweep%n", blocks.size(), instructions);
    }

    /** Guest instructions translated, as a JMH secondary result: in AverageTime mode, time per instruction. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Translated {
        public long instructions;

        @Setup(Level.Iteration) public void reset() { instructions = 0; } // JMH does not reset aux counters
    }

    @Benchmark
    public void bytecode(Blackhole bh, Translated n) {
        for (int i = 0; i < blocks.size(); i++) bh.consume(translator.translate("io/denalij/translator/Block", blocks.get(i), ops.get(i)));
        n.instructions += instructions;
    }

    @Benchmark
    public void defineHiddenClass(Blackhole bh, Translated n) {
        for (int i = 0; i < blocks.size(); i++) bh.consume(cache.translate(blocks.get(i), ops.get(i)));
        n.instructions += instructions;
    }

    static final int SLICE = 1_000_000;

    /**
     * A PC machine running a compute workload under the translator, booted again whenever the
     * workload ends. The engine lives for the whole trial, so a reboot finds its translations.
     */
    @State(Scope.Thread)
    public static class JitMachine {
        @Param({"bytecode"})
        public String workload;

        byte[] kernel;
        CountingEngine engine;
        PcMachine machine;

        @Setup(Level.Trial)
        public void boot() throws IOException {
            try (InputStream in = TranslatorBenchmark.class.getResourceAsStream("/testimages/pc/compute.elf")) {
                if (in == null) throw new IllegalStateException("compute.elf is not on the classpath");
                kernel = in.readAllBytes();
            }
            engine = new CountingEngine(new JitEngine());
            reboot();
        }

        void reboot() {
            machine = new PcMachine(new PcMachine.Config(64L << 20, OutputStream.nullOutputStream(), 0));
            machine.cpu().setEngine(engine);
            machine.loadMultiboot(kernel, "compute.elf " + workload);
        }
    }

    /** Blocks and instructions run in translated code, as JMH secondary results (per second). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Dispatched {
        public long blocks;
        public long translatedInstructions;

        @Setup(Level.Iteration) public void reset() { blocks = 0; translatedInstructions = 0; }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(SLICE)
    public long dispatch(JitMachine m, Dispatched counted) {
        CountingEngine e = m.engine;
        long blocksBefore = e.blocks, translatedBefore = e.instructions;
        long before = m.machine.state().icount;
        long done = 0;
        while (done < SLICE) {
            Cpu.StopReason r = m.machine.cpu().run(SLICE - done);
            done = m.machine.state().icount - before;
            if (r != Cpu.StopReason.LIMIT) { // the workload finished: boot it again and carry on counting
                m.reboot();
                before = m.machine.state().icount - done;
            }
        }
        counted.blocks += e.blocks - blocksBefore;
        counted.translatedInstructions += e.instructions - translatedBefore;
        return m.machine.state().gpr[0];
    }

    /**
     * The JIT engine with a count of the times the executor entered translated code, and of the
     * instructions that code retired. One entry runs a region (the entry block, and the blocks of
     * its page it goes on to by JVM jumps, see docs/TRANSLATOR.md), so entries are the executor's
     * block dispatches, not the guest blocks executed. The wrapper costs one more monomorphic call
     * per entry, small next to the code it runs.
     */
    static final class CountingEngine implements ExecutionEngine {
        private final ExecutionEngine inner;
        long blocks;
        long instructions;

        CountingEngine(ExecutionEngine inner) { this.inner = inner; }

        @Override public Machine attach(CpuState state, Memory memory, Interpreter interpreter, WriteWatch watch) {
            Machine m = inner.attach(state, memory, interpreter, watch);
            return new Machine() {
                @Override public int threshold() { return m.threshold(); }

                @Override public Compiled compile(Instruction[] code, Op[] ops, Neighbours neighbours) {
                    return m.compile(code, ops, neighbours);
                }

                @Override public boolean run(Compiled code, long stopAt, int ppn, int gen, int ppn2, int gen2) {
                    long before = state.icount;
                    boolean whole = m.run(code, stopAt, ppn, gen, ppn2, gen2);
                    blocks++;
                    instructions += state.icount - before;
                    return whole;
                }
            };
        }
    }
}
