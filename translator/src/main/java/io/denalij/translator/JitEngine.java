package io.denalij.translator;

import io.denalij.cpu.CpuState;
import io.denalij.cpu.ExecutionEngine;
import io.denalij.cpu.Memory;
import io.denalij.cpu.decode.Instruction;
import io.denalij.cpu.decode.Op;
import io.denalij.cpu.exec.Interpreter;
import io.denalij.mmu.WriteWatch;

/**
 * The translator as the CPU's second tier: blocks that ran {@link #threshold} times interpreted are
 * translated to JVM bytecode. Create one per JVM and hand it to every machine, so that machines
 * running the same image share their translations (see {@link TranslationCache}).
 */
public final class JitEngine implements ExecutionEngine {
    /** Interpreted runs before a block is translated: enough to skip code that runs once (boot, setup). */
    public static final int DEFAULT_THRESHOLD = 64;

    private final TranslationCache cache;
    private final int threshold;

    public JitEngine() { this(DEFAULT_THRESHOLD); }

    public JitEngine(int threshold) {
        if (threshold < 1) throw new IllegalArgumentException("threshold must be at least 1, not " + threshold);
        this.threshold = threshold;
        this.cache = new TranslationCache();
    }

    public TranslationCache cache() { return cache; }

    @Override public Machine attach(CpuState state, Memory memory, Interpreter interpreter, WriteWatch watch) {
        JitContext ctx = new JitContext(state, memory, interpreter, watch);
        return new Machine() {
            @Override public int threshold() { return threshold; }

            @Override public Compiled compile(Instruction[] code, Op[] ops, Neighbours neighbours) {
                return cache.get(code, ops, neighbours);
            }

            @Override public boolean run(Compiled code, long stopAt, int ppn, int gen, int ppn2, int gen2) {
                ctx.enter(ppn, gen, ppn2, gen2);
                TranslatedBlock t = (TranslatedBlock) code;
                return t.run(ctx, t.budget(state.icount, stopAt));
            }
        };
    }
}
