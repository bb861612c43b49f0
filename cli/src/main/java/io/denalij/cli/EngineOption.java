package io.denalij.cli;

import io.denalij.cpu.ExecutionEngine;
import io.denalij.translator.JitEngine;

/** The {@code --engine interp|jit} and {@code --jit-threshold N} options of {@code pc} and {@code run}. */
final class EngineOption {
    private EngineOption() { }

    /** Accepted values of {@code --jit-threshold}. */
    static final int MIN_THRESHOLD = 1, MAX_THRESHOLD = 1_000_000;

    /**
     * The default threshold for an operating system kernel (a Linux bzImage): most of a kernel's
     * boot is code that runs a few hundred to a few thousand times, which costs more to translate
     * and to have HotSpot compile than it gains. Debian's kernel to its first /init line, measured
     * on this project's 2-core machine (docs/TRANSLATOR.md, "Tiering"): threshold 64 took 44 s
     * (7,483 translations, 19 MiB of classes), 3,000 took 26 s and 10,000 took 21 s (626
     * translations); the interpreter alone took 31 s.
     */
    private static final int OS_KERNEL_THRESHOLD = 10_000;

    /** The threshold when none is given: {@link #OS_KERNEL_THRESHOLD} for a Linux kernel, the translator's own default otherwise. */
    static int defaultThreshold(boolean linuxKernel) {
        return linuxKernel ? OS_KERNEL_THRESHOLD : JitEngine.DEFAULT_THRESHOLD;
    }

    /**
     * The second tier to install: null for the interpreter alone, for {@code jit} the translator,
     * compiling a block after {@code threshold} interpreted runs.
     */
    static ExecutionEngine parse(String name, int threshold) {
        if (threshold < MIN_THRESHOLD || threshold > MAX_THRESHOLD) {
            throw new DenaliMain.UserError("--jit-threshold must be between " + MIN_THRESHOLD + " and " + MAX_THRESHOLD + ", not " + threshold);
        }
        return switch (name) {
            case "interp" -> null;
            case "jit" -> new JitEngine(threshold);
            default -> throw new DenaliMain.UserError("--engine must be interp or jit, not " + name);
        };
    }

    /** The first line of {@link #stats}: the translator's own counters (translations made and reused), which all its machines share. */
    static String translatorStats(ExecutionEngine engine) {
        return "denali: jit: " + (engine instanceof JitEngine jit ? jit.cache().stats().toString() : "not used (--engine interp)") + System.lineSeparator();
    }

    /**
     * What {@code --jit-stats} prints for a machine that ran with {@code engine} (made by {@link #parse}):
     * the translator's counters, then how often the CPU entered translated code and what part of
     * its instructions ran there, e.g. "84147791 entries into translated code (18.2 instructions
     * each), 100.0 % of 1535149195 guest instructions ran translated". Two lines, each ending in a newline.
     */
    static String stats(ExecutionEngine engine, io.denalij.cpu.Cpu cpu) {
        long runs = cpu.compiledRuns(), translated = cpu.compiledInstructions(), icount = cpu.state().icount;
        return translatorStats(engine) + String.format("denali: jit: %d entries into translated code (%.1f instructions each), "
                        + "%.1f %% of %d guest instructions ran translated%n",
                runs, runs == 0 ? 0.0 : (double) translated / runs, icount == 0 ? 0.0 : 100.0 * translated / icount, icount);
    }
}
