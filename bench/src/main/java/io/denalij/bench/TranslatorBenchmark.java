package io.denalij.bench;

import io.denalij.cpu.decode.Decoder;
import io.denalij.cpu.decode.Instruction;
import io.denalij.cpu.decode.Op;
import io.denalij.cpu.exec.Interpreter;
import io.denalij.mmu.image.ElfImage;
import io.denalij.translator.BlockTranslator;
import io.denalij.translator.TranslationCache;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The translator's own cost: every basic block of the compute kernel's code (a linear sweep of its
 * executable segment, blocks cut where the code cache cuts them) translated afresh. {@code bytecode}
 * is ASM's code generation alone; {@code defineHiddenClass} adds class definition and instantiation,
 * the whole price of a translation. Divide the score (ns per sweep) by {@link #instructions} for ns
 * per guest instruction; the setup prints that count.
 *
 * <pre>java -jar bench/target/benchmarks.jar TranslatorBenchmark</pre>
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
                    if (BlockTranslator.endsBlock(in)) break;
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

    @Benchmark
    public void bytecode(Blackhole bh) {
        for (int i = 0; i < blocks.size(); i++) bh.consume(translator.translate("io/denalij/translator/Block", blocks.get(i), ops.get(i)));
    }

    @Benchmark
    public void defineHiddenClass(Blackhole bh) {
        for (int i = 0; i < blocks.size(); i++) bh.consume(cache.translate(blocks.get(i), ops.get(i)));
    }
}
