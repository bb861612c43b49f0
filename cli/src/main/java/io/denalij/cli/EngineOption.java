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
    static final int OS_KERNEL_THRESHOLD = 10_000;

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

    /** The {@code --jit-stats} line for an engine {@link #parse} made. */
    static String stats(ExecutionEngine engine) {
        return engine instanceof JitEngine jit ? jit.cache().stats().toString() : "not used (--engine interp)";
    }

    /**
     * The {@code --jit-stats} line for one machine's CPU: how often it entered translated code and
     * what part of its instructions ran there, e.g. "94 M entries into translated code (16.4
     * instructions each), 99.9 % of 1535 M guest instructions ran translated".
     */
    static String cpuStats(io.denalij.cpu.Cpu cpu, long icount) {
        long runs = cpu.compiledRuns(), translated = cpu.compiledInstructions();
        return String.format("%d entries into translated code (%.1f instructions each), %.1f %% of %d guest instructions ran translated",
                runs, runs == 0 ? 0.0 : (double) translated / runs, icount == 0 ? 0.0 : 100.0 * translated / icount, icount);
    }
}
