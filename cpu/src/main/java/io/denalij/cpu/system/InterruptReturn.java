package io.denalij.cpu.system;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import io.denalij.cpu.Memory;
import io.denalij.cpu.Segment;
import io.denalij.cpu.alu.Flags;

/**
 * IRET/IRETD (SDM Vol. 2, IRET): real mode, virtual-8086 mode with IOPL 3, protected-mode returns
 * to the same or an outer privilege level, and the return from ring 0 to virtual-8086 mode. The
 * frame is read with non-destructive stack peeks and every check runs before the first register
 * changes. A nested-task return (NT = 1) raises a #GP that says task switching is not implemented.
 */
final class InterruptReturn {
    /** EFLAGS bits that a real-mode 32-bit IRET takes from the stack, and those it keeps (VM, VIF, VIP). */
    private static final int REAL_POPPED = 0x257FD5, REAL_KEPT = 0x1A0000;
    /** Bits an EFLAGS image can hold on this processor; bit 1 always reads as 1. */
    private static final int DEFINED = 0x3F7FD5, ALWAYS_ONE = 0x2;

    private final CpuState s;
    private final Memory mem;
    private final DescriptorTables tables;
    private final TaskState tss;
    private final FarTransfer far;

    InterruptReturn(CpuState s, Memory mem, DescriptorTables tables, TaskState tss, FarTransfer far) {
        this.s = s;
        this.mem = mem;
        this.tables = tables;
        this.tss = tss;
        this.far = far;
    }

    void iret(int operandSize) {
        int eflags = Flags.get(s);
        if (!s.protectedMode()) {
            realMode(operandSize, eflags);
        } else if (s.v86()) {
            fromV86(operandSize, eflags);
        } else if ((eflags & CpuState.NT) != 0) {
            int link = tss.backLink();
            throw new CpuException(CpuException.GP, Selector.errorCode(link, false), 0, String.format(
                    "task switching is not implemented (IRET with NT=1 would return to the task in TSS 0x%04x)", link));
        } else {
            protectedMode(operandSize, eflags);
        }
    }

    private void realMode(int size, int eflags) {
        int eip = mem.peek(0, size);
        int csSel = mem.peek(size, size) & 0xFFFF;
        int popped = mem.peek(2 * size, size);
        int newFlags = size == 4
                ? (popped & REAL_POPPED) | (eflags & REAL_KEPT)
                : (eflags & 0xFFFF_0000) | (popped & 0xFFFF);
        Segment cs = far.realModeCode(csSel);
        FarTransfer.checkEip(eip, cs);
        s.seg[Segment.CS].copyFrom(cs);
        s.eip = eip;
        Flags.set(s, normalize(newFlags));
        mem.adjustSp(3 * size);
    }

    /** IRET inside virtual-8086 mode stays there; IOPL and VM (and VIF/VIP) are not taken from the stack. */
    private void fromV86(int size, int eflags) {
        if ((eflags & CpuState.IOPL) != CpuState.IOPL) throw CpuException.gp(0);
        int eip = mem.peek(0, size);
        int csSel = mem.peek(size, size) & 0xFFFF;
        int popped = mem.peek(2 * size, size);
        int kept = size == 4
                ? CpuState.VM | CpuState.IOPL | CpuState.VIF | CpuState.VIP
                : 0xFFFF_0000 | CpuState.IOPL;
        Segment cs = far.realModeCode(csSel);
        FarTransfer.checkEip(eip, cs);
        s.seg[Segment.CS].copyFrom(cs);
        s.eip = eip;
        Flags.set(s, normalize((popped & ~kept) | (eflags & kept)));
        mem.adjustSp(3 * size);
    }

    private void protectedMode(int size, int eflags) {
        int eip = mem.peek(0, size);
        int csSel = mem.peek(size, size) & 0xFFFF;
        int popped = mem.peek(2 * size, size);
        if (size == 2) {
            eip &= 0xFFFF;
            popped &= 0xFFFF;
        }
        if (size == 4 && (popped & CpuState.VM) != 0 && s.cpl == 0) {
            toV86(eip, csSel, popped);
            return;
        }
        Descriptor code = far.returnCode(csSel);
        int rpl = Selector.rpl(csSel);
        int newFlags = merge(eflags, popped, size);
        Segment cs = code.toSegment(csSel);
        if (rpl == s.cpl) {
            FarTransfer.checkEip(eip, cs);
            tables.markAccessed(csSel, code);
            s.seg[Segment.CS].copyFrom(cs);
            s.eip = eip;
            Flags.set(s, newFlags);
            mem.adjustSp(3 * size);
            return;
        }
        int esp = mem.peek(3 * size, size);
        int ssSel = mem.peek(4 * size, size) & 0xFFFF;
        if (size == 2) esp &= 0xFFFF;
        Descriptor stack = far.returnStack(ssSel, rpl);
        FarTransfer.checkEip(eip, cs);
        tables.markAccessed(csSel, code);
        tables.markAccessed(ssSel, stack);
        Flags.set(s, newFlags);
        far.commitOuterReturn(cs, eip, stack.toSegment(ssSel), esp, rpl);
    }

    /**
     * Which EFLAGS bits a protected-mode IRET may change, by the privilege it runs at (the old
     * CPL): IF only when CPL <= IOPL, IOPL and VIF/VIP only at CPL 0, the high bits only for IRETD.
     */
    private int merge(int eflags, int popped, int size) {
        int mask = CpuState.CF | CpuState.PF | CpuState.AF | CpuState.ZF | CpuState.SF | CpuState.TF | CpuState.DF
                | CpuState.OF | CpuState.NT;
        if (size == 4) mask |= CpuState.RF | CpuState.AC | CpuState.ID;
        if (s.cpl <= (eflags & CpuState.IOPL) >>> 12) mask |= CpuState.IF;
        if (s.cpl == 0) {
            mask |= CpuState.IOPL;
            if (size == 4) mask |= CpuState.VIF | CpuState.VIP;
        }
        return normalize((eflags & ~mask) | (popped & mask));
    }

    /** Ring 0 to virtual-8086 mode: the frame also holds ESP, SS, ES, DS, FS and GS (SDM Vol. 3, 20.2.5). */
    private void toV86(int eip, int csSel, int popped) {
        if (Integer.compareUnsigned(eip, 0xFFFF) > 0) throw CpuException.gp(0);
        int esp = mem.peek(12, 4);
        int[] sel = new int[6];
        sel[Segment.SS] = mem.peek(16, 4);
        sel[Segment.ES] = mem.peek(20, 4);
        sel[Segment.DS] = mem.peek(24, 4);
        sel[Segment.FS] = mem.peek(28, 4);
        sel[Segment.GS] = mem.peek(32, 4);
        sel[Segment.CS] = csSel;
        for (int i = 0; i < 6; i++) SegmentLoader.loadV86(s.seg[i], sel[i] & 0xFFFF);
        s.gpr[CpuState.ESP] = esp;
        s.eip = eip;
        s.cpl = 3;
        Flags.set(s, normalize(popped));
    }

    private static int normalize(int eflags) { return (eflags & DEFINED) | ALWAYS_ONE; }
}
