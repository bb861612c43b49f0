package io.denalij.cpu.exec;

import io.denalij.cpu.decode.Instruction;
import io.denalij.cpu.decode.Op;

/**
 * A run of decoded instructions starting at one CS:EIP, ending at a control transfer or any
 * instruction after which the execution loop must look at the machine again (I/O, flag IF, mode
 * changes), or at the end of the page. Valid while its code pages keep their write generation and
 * the paging context it was decoded under.
 */
final class Block {
    final int eip, csBase, csLimit, mode;
    final long epoch;
    /** Physical page numbers the code lies in and their write generations; ppn2 is -1 when the block stays in one page. */
    final int ppn, gen, ppn2, gen2;
    final Instruction[] code;
    /** The operation to dispatch per instruction: the form's op, or INVALID for a misused LOCK prefix. */
    final Op[] ops;
    /** The {@link Dispatch} handler of each instruction. */
    final int[] kinds;
    /** The blocks execution went on to last time, for the two most recent successor EIPs (a branch taken and not). */
    Block next0, next1;

    /** Code from the second tier ({@link io.denalij.cpu.ExecutionEngine}), once the block ran often enough; null until then or when refused. */
    io.denalij.cpu.ExecutionEngine.Compiled compiled;
    /** Interpreted runs so far, counted only while an engine is installed. */
    int runs;

    /** True when some instruction of the block may write memory (and so its own code). */
    final boolean writesMemory;

    /** True when execution may go straight on to the next block: the block ended in a near branch or at its size limit. */
    final boolean chains;

    /**
     * A block for this CPU with the decoded content of {@code template} (a block decoded from the
     * same bytes by another CPU: see {@link SharedCode}); the arrays are shared, never written.
     */
    Block(Block template, long epoch, int ppn, int gen, int ppn2, int gen2) {
        this.eip = template.eip;
        this.csBase = template.csBase;
        this.csLimit = template.csLimit;
        this.mode = template.mode;
        this.epoch = epoch;
        this.ppn = ppn;
        this.gen = gen;
        this.ppn2 = ppn2;
        this.gen2 = gen2;
        this.code = template.code;
        this.ops = template.ops;
        this.kinds = template.kinds;
        this.writesMemory = template.writesMemory;
        this.chains = template.chains;
    }

    Block(int eip, int csBase, int csLimit, int mode, long epoch, int ppn, int gen, int ppn2, int gen2,
          Instruction[] code, Op[] ops) {
        this.eip = eip;
        this.csBase = csBase;
        this.csLimit = csLimit;
        this.mode = mode;
        this.epoch = epoch;
        this.ppn = ppn;
        this.gen = gen;
        this.ppn2 = ppn2;
        this.gen2 = gen2;
        this.code = code;
        this.ops = ops;
        this.kinds = new int[ops.length];
        for (int k = 0; k < ops.length; k++) kinds[k] = Dispatch.of(code[k], ops[k]);
        boolean writes = false;
        for (Instruction in : code) writes |= in.mayWriteMemory;
        this.writesMemory = writes;
        this.chains = CodeCache.chainsAfter(code[code.length - 1], ops[ops.length - 1]);
    }
}
