package io.denalij.cpu.exec;

import static io.denalij.cpu.CpuState.EAX;
import static io.denalij.cpu.CpuState.ECX;
import static io.denalij.cpu.CpuState.EDI;
import static io.denalij.cpu.CpuState.EDX;
import static io.denalij.cpu.CpuState.ESI;

import io.denalij.cpu.CpuState;
import io.denalij.cpu.IoBus;
import io.denalij.cpu.Memory;
import io.denalij.cpu.Segment;
import io.denalij.cpu.alu.Alu;
import io.denalij.cpu.alu.Flags;
import io.denalij.cpu.decode.Instruction;
import io.denalij.cpu.decode.Op;
import io.denalij.cpu.system.SystemUnit;
import io.denalij.mmu.Mmu;
import io.denalij.mmu.PhysicalMemory;

/**
 * MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS with and without REP/REPE/REPNE, 8/16/32-bit, both
 * directions, 16- and 32-bit addressing.
 *
 * <p>As on hardware, a REP instruction updates ESI/EDI/ECX after every iteration, so a fault in the
 * middle leaves the registers describing the iterations done and EIP at the instruction: it
 * resumes where it stopped. A long REP runs in slices of {@link #SLICE} iterations, re-executing
 * itself (EIP left at the instruction), so time, interrupts and stop requests are seen in between.
 */
final class StringOps {
    static final int SLICE = 4096;

    private final CpuState s;
    private final int[] r;
    private final Memory mem;
    private final SystemUnit sys;
    private final IoBus io;

    StringOps(CpuState s, Memory mem, SystemUnit sys, IoBus io) {
        this.s = s;
        this.r = s.gpr;
        this.mem = mem;
        this.sys = sys;
        this.io = io;
    }

    private int index(int reg, boolean a32) { return a32 ? r[reg] : r[reg] & 0xFFFF; }

    private void advance(int reg, boolean a32, int delta) {
        if (a32) r[reg] += delta;
        else r[reg] = (r[reg] & 0xFFFF_0000) | ((r[reg] + delta) & 0xFFFF);
    }

    void execute(Instruction in, Op op) {
        boolean a32 = in.addr32;
        int size = in.size;
        int delta = (s.eflags & CpuState.DF) != 0 ? -size : size;
        if (op == Op.INS || op == Op.OUTS) sys.checkIo(r[EDX] & 0xFFFF, size);
        if (!in.rep()) {
            once(in, op, a32, size, delta);
            return;
        }
        boolean conditional = op == Op.CMPS || op == Op.SCAS;
        boolean repe = in.has(Instruction.PREFIX_REP);
        boolean bulk = bulkAllowed(in, op, a32, delta);
        for (int n = 0; n < SLICE; n++) {
            if (index(ECX, a32) == 0) return;
            if (bulk) {
                int k = bulk(op, size, SLICE - n);
                if (k > 0) {
                    n += k - 1;
                    continue;
                }
            }
            once(in, op, a32, size, delta);
            advance(ECX, a32, -1);
            if (conditional && Flags.zf(s) != repe) return;
        }
        if (index(ECX, a32) != 0) s.eip = in.eip; // not done: execute this instruction again
    }

    /**
     * REP STOS and REP MOVS upwards with 32-bit addressing through flat segments may run many
     * iterations at once ({@link #bulk}); everything else goes one iteration at a time.
     */
    private boolean bulkAllowed(Instruction in, Op op, boolean a32, int delta) {
        if (!a32 || delta < 0 || !s.seg[Segment.ES].flatWrite) return false;
        return op == Op.STOS || op == Op.MOVS && s.seg[in.seg].flatRead;
    }

    /**
     * Up to {@code max} iterations (and ECX's) in one go, as far as the current page of each operand
     * reaches and the MMU's fast path serves it; returns how many were done (0: none, take one
     * iteration the ordinary way, which also fills the TLB or raises the fault). The registers end
     * as after that many single iterations, and the count of iterations is the same, so time and
     * interrupts see no difference.
     */
    private int bulk(Op op, int size, int max) {
        long left = Integer.toUnsignedLong(r[ECX]);
        int edi = r[EDI];
        int k = (int) Math.min(Math.min(left, max), (PhysicalMemory.PAGE_SIZE - (edi & PhysicalMemory.PAGE_MASK)) / size);
        if (op == Op.MOVS) k = Math.min(k, (PhysicalMemory.PAGE_SIZE - (r[ESI] & PhysicalMemory.PAGE_MASK)) / size);
        if (k < 2) return 0;
        Mmu mmu = mem.mmu();
        boolean user = mem.user();
        if (op == Op.STOS) {
            if (!mmu.fillFast(edi, r[EAX], size, k, user)) return 0;
        } else {
            if (!mmu.copyFast(r[ESI], edi, k * size, user)) return 0;
            r[ESI] += k * size;
        }
        r[EDI] += k * size;
        r[ECX] -= k;
        return k;
    }

    private void once(Instruction in, Op op, boolean a32, int size, int delta) {
        switch (op) {
            case MOVS -> {
                int v = mem.read(in.seg, index(ESI, a32), size);
                mem.write(Segment.ES, index(EDI, a32), size, v);
                advance(ESI, a32, delta);
                advance(EDI, a32, delta);
            }
            case STOS -> {
                mem.write(Segment.ES, index(EDI, a32), size, r[EAX]);
                advance(EDI, a32, delta);
            }
            case LODS -> {
                int v = mem.read(in.seg, index(ESI, a32), size);
                setAcc(size, v);
                advance(ESI, a32, delta);
            }
            case CMPS -> {
                int a = mem.read(in.seg, index(ESI, a32), size);
                int b = mem.read(Segment.ES, index(EDI, a32), size);
                Alu.sub(s, a, b, size);
                advance(ESI, a32, delta);
                advance(EDI, a32, delta);
            }
            case SCAS -> {
                int b = mem.read(Segment.ES, index(EDI, a32), size);
                Alu.sub(s, acc(size), b, size);
                advance(EDI, a32, delta);
            }
            case INS -> {
                int di = index(EDI, a32);
                mem.checkWrite(Segment.ES, di, size); // the port is read only when the store can complete
                mem.write(Segment.ES, di, size, io.in(r[EDX] & 0xFFFF, size));
                advance(EDI, a32, delta);
            }
            default -> { // OUTS
                int v = mem.read(in.seg, index(ESI, a32), size);
                io.out(r[EDX] & 0xFFFF, size, v);
                advance(ESI, a32, delta);
            }
        }
    }

    private int acc(int size) {
        return switch (size) {
            case 1 -> r[EAX] & 0xFF;
            case 2 -> r[EAX] & 0xFFFF;
            default -> r[EAX];
        };
    }

    private void setAcc(int size, int v) {
        switch (size) {
            case 1 -> s.setReg8(0, v);
            case 2 -> s.setReg16(EAX, v);
            default -> r[EAX] = v;
        }
    }
}
