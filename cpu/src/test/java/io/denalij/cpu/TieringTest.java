package io.denalij.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.denalij.cpu.decode.Instruction;
import io.denalij.cpu.decode.Op;
import io.denalij.cpu.exec.Interpreter;
import io.denalij.mmu.WriteWatch;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Which blocks the executor asks a second tier to compile: a hot loop run in slices that end
 * part-way through it must be compiled once, at its head, and not again at every instruction where
 * a slice happened to end.
 */
class TieringTest {
    /** An engine that records what it is asked to compile and compiles nothing. */
    private static final class Recorder implements ExecutionEngine {
        final List<Integer> asked = new ArrayList<>();
        /** The instruction count at each request. */
        final List<Long> askedAt = new ArrayList<>();

        @Override public Machine attach(CpuState state, Memory memory, Interpreter interpreter, WriteWatch watch) {
            return new Machine() {
                @Override public int threshold() { return 4; }
                @Override public Compiled compile(Instruction[] code, Op[] ops, Neighbours neighbours) {
                    asked.add(code[0].eip);
                    askedAt.add(state.icount);
                    return null;
                }
                @Override public boolean run(Compiled code, long stopAt, int ppn, int gen, int ppn2, int gen2) {
                    throw new AssertionError("nothing was compiled");
                }
            };
        }
    }

    /** A 4-instruction loop at 0x1005 that runs 0x1000 times and writes no memory, then HLT. */
    private static TestMachine loop() {
        return new TestMachine(
                "b9 00 10 00 00", // mov ecx, 0x1000
                "01 c8",          // 1: add eax, ecx
                "31 c3",          //    xor ebx, eax
                "49",             //    dec ecx
                "75 f9",          //    jnz 1b
                "f4");            // hlt
    }

    @Test void aLoopRunInOddSlicesIsCompiledOnlyAtItsHead() {
        TestMachine m = loop();
        Recorder engine = new Recorder();
        m.cpu.setEngine(engine);
        for (int i = 0; i < 400 && !m.s.halted; i++) m.cpu.run(7); // 7: slices end at every offset of the 4-instruction loop
        assertEquals(List.of(0x1005), engine.asked.stream().distinct().toList());
        assertEquals(1, engine.asked.size());
    }

    @Test void aLoopThatRepeatsWithinOneSliceCountsEachPassTowardsCompiling() {
        TestMachine m = loop();
        Recorder engine = new Recorder();
        m.cpu.setEngine(engine);
        m.cpu.run(1_000_000); // one slice for the whole loop
        assertEquals(List.of(0x1005), engine.asked);
        // The first pass runs in the block at 0x1000 (decoded before the loop's head was known). The
        // loop's block then counts its entry and its next pass as two more runs, and leaves for the
        // executor, which counts the fourth (threshold 4) and asks: after the mov and three passes.
        assertEquals(List.of(1L + 3 * 4), engine.askedAt);
    }

    @Test void aLoopThatWritesMemoryCountsOnlyItsEntries() {
        TestMachine m = new TestMachine(
                "b9 00 10 00 00",    // mov ecx, 0x1000
                "bf 00 00 02 00",    // mov edi, 0x20000
                "89 0f",             // 1: mov [edi], ecx
                "83 c7 04",          //    add edi, 4
                "49",                //    dec ecx
                "75 f8",             //    jnz 1b
                "f4");               // hlt
        Recorder engine = new Recorder();
        m.cpu.setEngine(engine);
        for (int i = 0; i < 20 && !m.s.halted; i++) m.cpu.run(1000);
        assertEquals(List.of(0x100a), engine.asked);
        // Asked at the loop block's fourth entry from the executor, not after two passes of its own
        // (at 6 + 2 * 4). The first pass runs in the block at 0x1000 (decoded before the loop's head
        // was known) and the loop's block is entered at 6; every slice then ends 2 instructions into
        // a pass (994 = 248 * 4 + 2), and the next starts with that pass's tail, which does not
        // count: entries at 6, 1002, 2002 and 3002.
        assertEquals(List.of(3002L), engine.askedAt);
    }
}
