package io.denalij.cpu.exec;

import io.denalij.cpu.CpuState;
import io.denalij.cpu.Tracer;
import io.denalij.cpu.decode.Instruction;
import io.denalij.cpu.decode.Op;

/**
 * The inner loop: executes decoded blocks back to back while nothing needs the outer loop's
 * attention (timers, interrupts, a stop request, a fault).
 */
public final class Executor {
    private final CpuState s;
    private final CodeCache cache;
    private final Interpreter interpreter;
    private Tracer tracer;
    private boolean stop;
    private Instruction current;

    public Executor(CpuState s, CodeCache cache, Interpreter interpreter) {
        this.s = s;
        this.cache = cache;
        this.interpreter = interpreter;
    }

    public void setTracer(Tracer t) { this.tracer = t; }

    public void requestStop() { stop = true; }

    public void clearStop() { stop = false; }

    /** Called between runs: a fault raised outside a block (interrupt delivery) belongs to CS:EIP. */
    public void clearCurrent() { current = null; }

    /** EIP of the instruction that raised the exception being handled (or CS:EIP when it was not fetched yet). */
    public int faultingEip() { return current != null ? current.eip : s.eip; }

    /** Runs blocks until {@code icount} reaches {@code stopAt}, or a block hands control back. */
    public void run(long stopAt) {
        current = null;
        Block b = cache.get();
        for (;;) {
            Instruction[] code = b.code;
            Op[] ops = b.ops;
            int n = code.length;
            for (int i = 0; i < n; i++) {
                if (s.icount >= stopAt) return;
                Instruction in = code[i];
                current = in;
                if (tracer != null) tracer.record(in, s);
                s.eip = in.nextEip;
                interpreter.execute(in, ops[i]);
                s.icount++;
                if (in.mayWriteMemory && i + 1 < n && !cache.stillValid(b)) return; // the block wrote its own code
            }
            current = null;
            if (!b.chains || stop || s.icount >= stopAt) return;
            b = cache.successor(b);
        }
    }
}
