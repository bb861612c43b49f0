package io.denalij.cpu;

import io.denalij.cpu.decode.Instruction;
import io.denalij.cpu.decode.Op;
import io.denalij.cpu.exec.Interpreter;
import io.denalij.mmu.WriteWatch;

/**
 * A second execution tier for hot code, plugged into the {@link Cpu} from outside (the translator
 * module implements it; cpu does not depend on it). The executor interprets a decoded block until it
 * has run {@link Machine#threshold()} times, then asks for compiled code once and from then on runs
 * that whenever the whole of it fits in the instruction budget; anything else stays interpreted.
 *
 * <p>One engine may serve many machines (its compiled code is shared between them); each machine
 * talks to it through the {@link Machine} it got from {@link #attach}.
 */
public interface ExecutionEngine {
    /** Binds the engine to one machine's state, memory, reference interpreter and code-page watch. */
    Machine attach(CpuState state, Memory memory, Interpreter interpreter, WriteWatch watch);

    /** Compiled code for (a prefix of) one block; opaque to the executor. */
    interface Compiled {
        /** How many of the block's instructions the code covers (all of them, or a prefix). */
        int length();

        /**
         * How many instructions must fit before the budget for the code to be entered: it may
         * retire that many before it checks the budget itself (it never passes the budget).
         */
        default int entryBudget() { return length(); }
    }

    /**
     * A decoded block: its instructions, the ops they execute as, and how often it has run
     * interpreted so far on this machine (0 when it never ran: a path not taken yet).
     */
    record Code(Instruction[] instructions, Op[] ops, int runs) { }

    /**
     * The blocks near the one being compiled that compiled code may run without going back to the
     * executor: blocks decoded in the same mode from the same code page (so that the page checks the
     * executor made for the first block cover them too).
     */
    interface Neighbours {
        /** The block at {@code eip}, or null when it is outside the page, cannot be decoded, or crosses into another page. */
        Code at(int eip);

        /**
         * The 4 bytes at offset {@code offset} of segment {@code seg} as an unsigned number, or -1
         * when they cannot be read without side effects (beyond the segment limit, not mapped,
         * not RAM): a look at data, for instance a jump table, that changes nothing the guest can see.
         */
        default long peek32(int seg, int offset) { return -1; }
    }

    /** One machine's view of the engine. */
    interface Machine {
        /** Interpreted executions of a block before it is compiled. */
        int threshold();

        /**
         * Compiled code for the block (instructions and the ops they execute as), or null to keep
         * interpreting it. The code may go on into {@code neighbours} (a loop's other blocks, a
         * called function) as long as the budget allows; it always starts at the block's first
         * instruction.
         */
        Compiled compile(Instruction[] code, Op[] ops, Neighbours neighbours);

        /**
         * Runs compiled code from its first instruction, as the interpreter would have run the same
         * instructions (state, EIP, instruction count, and on a fault EIP and count at the faulting
         * instruction). The block's code pages and their write generations (ppn -1: none) let it stop
         * after a store into its own code, or into the code of a neighbour it went on to (neighbours lie
         * in the block's first page).
         *
         * @return false when it stopped early because it wrote to its own code
         */
        boolean run(Compiled code, long stopAt, int ppn, int gen, int ppn2, int gen2);
    }
}
