package io.denalij.cpu;

import io.denalij.cpu.alu.Flags;
import io.denalij.cpu.decode.Instruction;

import java.util.ArrayList;
import java.util.List;

/**
 * A ring buffer of the last N executed instructions with the registers before each one, for
 * {@code --trace N}: printed when the guest faults fatally, hangs, or hits an unimplemented
 * instruction. The CPU calls {@link #record} only when a tracer is installed, so it costs nothing
 * when off.
 */
public final class Tracer {
    private final int capacity;
    private final Instruction[] instructions;
    private final int[] cs;
    private final int[][] regs;
    private final int[] eflags;
    private long count;

    public Tracer(int capacity) {
        if (capacity <= 0) throw new IllegalArgumentException("trace capacity must be positive");
        this.capacity = capacity;
        this.instructions = new Instruction[capacity];
        this.cs = new int[capacity];
        this.regs = new int[capacity][8];
        this.eflags = new int[capacity];
    }

    /** Records an instruction about to execute with the state it sees. */
    public void record(Instruction in, CpuState s) {
        int i = (int) (count++ % capacity);
        instructions[i] = in;
        cs[i] = s.seg[Segment.CS].selector;
        System.arraycopy(s.gpr, 0, regs[i], 0, 8);
        eflags[i] = Flags.get(s);
    }

    public long recorded() { return count; }

    /** The recorded instructions, oldest first, one line each: address, bytes, disassembly, registers. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        long n = Math.min(count, capacity);
        for (long k = count - n; k < count; k++) {
            int i = (int) (k % capacity);
            Instruction in = instructions[i];
            int[] g = regs[i];
            out.add(String.format("%04x:%08x  %-24s %-40s eax=%08x ebx=%08x ecx=%08x edx=%08x esi=%08x edi=%08x ebp=%08x esp=%08x fl=%08x",
                    cs[i], in.eip, in.hexBytes(), in, g[0], g[3], g[1], g[2], g[6], g[7], g[5], g[4], eflags[i]));
        }
        return out;
    }

    @Override public String toString() { return String.join("\n", lines()); }
}
