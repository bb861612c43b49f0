package io.denalij.cpu.exec;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import io.denalij.cpu.Memory;
import io.denalij.cpu.Segment;
import io.denalij.cpu.alu.Flags;
import io.denalij.cpu.decode.Instruction;

/**
 * Operand access and control transfer for the {@link Dispatch} fast handlers. Each method is a few
 * bytecodes so that HotSpot inlines it into the {@link Executor}'s block loop; each does exactly
 * what the {@link Interpreter} does for the same form (same checks, same fault order).
 */
final class FastOps {
    private final CpuState s;
    private final int[] r;
    private final Memory mem;

    FastOps(CpuState s, Memory mem) {
        this.s = s;
        this.r = s.gpr;
        this.mem = mem;
    }

    /** The offset of a memory operand with a 32-bit address (the only kind the fast handlers take). */
    int ea(Instruction in) {
        int a = in.disp;
        if (in.base >= 0) a += r[in.base];
        if (in.index >= 0) a += r[in.index] << in.scale;
        return a;
    }

    int load32(Instruction in) { return mem.read32(in.seg, ea(in)); }
    int load16(Instruction in) { return mem.read16(in.seg, ea(in)); }
    int load8(Instruction in) { return mem.read8(in.seg, ea(in)); }
    void store32(Instruction in, int v) { mem.write32(in.seg, ea(in), v); }
    void store8(Instruction in, int v) { mem.write8(in.seg, ea(in), v); }

    /**
     * The read half of a read-modify-write at offset {@code a}: checks first that the write will
     * succeed, so a fault leaves the flags untouched (as {@link Interpreter} does).
     */
    int rmwLoad32(Instruction in, int a) {
        mem.checkWrite(in.seg, a, 4);
        return mem.read32(in.seg, a);
    }

    void rmw32(Instruction in, int a, int v) { mem.write32(in.seg, a, v); }

    void push(int v) { mem.push(v, 4); }
    int pop() { return mem.pop(4); }

    /** Near jump within CS: #GP(0) beyond the CS limit. */
    void jump(int target) {
        Segment cs = s.seg[Segment.CS];
        if (!cs.flat && Integer.compareUnsigned(target, cs.limit) > 0) throw CpuException.gp(0);
        s.eip = target;
    }

    void jcc(Instruction in) {
        if (Flags.condition(s, in.cc())) jump(in.target);
        else s.eip = in.nextEip;
    }

    /** CALL rel: the limit check comes before the push, the push before EIP changes. */
    void call(Instruction in) {
        int target = in.target;
        Segment cs = s.seg[Segment.CS];
        if (!cs.flat && Integer.compareUnsigned(target, cs.limit) > 0) throw CpuException.gp(0);
        mem.push(in.nextEip, in.size);
        s.eip = target;
    }

    /** RET without an immediate: the target is checked before ESP moves. */
    void ret(Instruction in) {
        int size = in.size;
        int target = mem.peek(0, size);
        if (!in.op32) target &= 0xFFFF;
        jump(target);
        mem.adjustSp(size);
    }
}
