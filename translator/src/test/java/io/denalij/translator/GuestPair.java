package io.denalij.translator;

import io.denalij.cpu.CpuState;
import io.denalij.cpu.Cpus;
import io.denalij.cpu.IoBus;
import io.denalij.cpu.Memory;
import io.denalij.cpu.alu.Flags;
import io.denalij.cpu.decode.Decoder;
import io.denalij.cpu.decode.Instruction;
import io.denalij.cpu.decode.Op;
import io.denalij.cpu.exec.CodeCache;
import io.denalij.cpu.exec.Fpu;
import io.denalij.cpu.exec.Interpreter;
import io.denalij.cpu.exec.SystemOps;
import io.denalij.cpu.fpu.X87;
import io.denalij.cpu.system.SystemUnit;
import io.denalij.mmu.Mmu;
import io.denalij.mmu.PageFault;
import io.denalij.mmu.PhysicalMemory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One bare flat 32-bit machine (RAM, MMU, memory, reference interpreter) that runs a decoded block
 * either instruction by instruction through the interpreter, exactly as the interpreter's own loop
 * does, or through a translation. Two of these with the same start state are the differential test.
 */
final class GuestPair {
    static final int RAM = 512 << 10;

    final PhysicalMemory ram = new PhysicalMemory(RAM);
    final Mmu mmu = new Mmu(ram);
    final CpuState s = Cpus.flat32(0x1000, 0x7_F000);
    final Memory mem = new Memory(s, mmu);
    final Interpreter interpreter;
    final JitContext ctx;

    GuestPair() {
        mmu.setControl(s.cr0, s.cr3, s.cr4);
        SystemUnit sys = new SystemUnit(s, mem);
        X87 x87 = new X87(s, mem);
        Fpu fpu = new Fpu() {
            @Override public void execute(int opcode, int modrm, int seg, int offset, boolean op32, int eip, int cs) {
                x87.execute(opcode, modrm, seg, offset, op32, eip, cs);
            }
            @Override public void fwait() { x87.fwait(); }
        };
        interpreter = new Interpreter(s, mem, sys, new SystemOps(s, mem, sys, fpu, IoBus.EMPTY, () -> { }));
        ctx = new JitContext(s, mem, interpreter, ram.writeWatch());
    }

    /** Decodes a block at {@code eip} as the code cache would (up to a block end or {@code max} instructions). */
    Instruction[] decodeBlock(int eip, int max) {
        Decoder d = new Decoder();
        List<Instruction> out = new ArrayList<>();
        int at = eip;
        while (out.size() < max) {
            final int base = at;
            Instruction in = d.decode(i -> ram.read8(base + i), at, true);
            out.add(in);
            if (CodeCache.endsBlock(in)) break;
            at = in.nextEip;
        }
        return out.toArray(new Instruction[0]);
    }

    /** Bytes from hex pairs separated by spaces ("01 c8 49"). */
    static byte[] hex(String h) {
        String[] p = h.trim().split("\\s+");
        byte[] b = new byte[p.length];
        for (int i = 0; i < p.length; i++) b[i] = (byte) Integer.parseInt(p[i], 16);
        return b;
    }

    static Op[] ops(Instruction[] code) {
        Op[] ops = new Op[code.length];
        for (int k = 0; k < code.length; k++) ops[k] = Interpreter.lockValid(code[k]) ? code[k].op : Op.INVALID;
        return ops;
    }

    /** The interpreter's way: EIP at the next instruction, then execute; a fault leaves EIP and icount at the instruction. */
    RuntimeException interpret(Instruction[] code) {
        Op[] ops = ops(code);
        long start = s.icount;
        for (int i = 0; i < code.length; i++) {
            try {
                s.eip = code[i].nextEip;
                interpreter.execute(code[i], ops[i]);
            } catch (RuntimeException e) {
                s.eip = code[i].eip;
                s.icount = start + i;
                return e;
            }
        }
        s.icount = start + code.length;
        return null;
    }

    RuntimeException translated(TranslatedBlock t, long stopAt) {
        try {
            t.run(ctx, stopAt);
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** Everything architectural the two engines must agree on, as text for a readable failure. */
    String snapshot(RuntimeException fault) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) b.append(CpuState.REG32[i]).append('=').append(Integer.toHexString(s.gpr[i])).append(' ');
        b.append("eip=").append(Integer.toHexString(s.eip)).append(" eflags=").append(Integer.toHexString(Flags.get(s)))
                .append(" icount=").append(s.icount);
        if (fault != null) {
            b.append(" fault=").append(fault.getClass().getSimpleName());
            if (fault instanceof io.denalij.cpu.CpuException c) b.append('#').append(c.vector).append('/').append(c.errorCode);
            if (fault instanceof PageFault p) b.append('@').append(Integer.toHexString(p.linear));
        }
        return b.toString();
    }

    byte[] memory(int from, int len) {
        byte[] out = new byte[len];
        ram.copyOut(from, out, 0, len);
        return out;
    }

    static boolean sameMemory(GuestPair a, GuestPair b) {
        return Arrays.equals(a.memory(0, RAM), b.memory(0, RAM));
    }
}
