package io.denalij.cli;

import io.denalij.cpu.ExecutionEngine;
import io.denalij.translator.JitEngine;

/** The {@code --engine interp|jit} option of {@code pc} and {@code run}. */
final class EngineOption {
    private EngineOption() { }

    /** The second tier to install: null for the interpreter alone, the translator for {@code jit}. */
    static ExecutionEngine parse(String name) {
        return switch (name) {
            case "interp" -> null;
            case "jit" -> new JitEngine();
            default -> throw new DenaliMain.UserError("--engine must be interp or jit, not " + name);
        };
    }

    /** The {@code --jit-stats} line for an engine {@link #parse} made. */
    static String stats(ExecutionEngine engine) {
        return engine instanceof JitEngine jit ? jit.cache().stats().toString() : "not used (--engine interp)";
    }
}
