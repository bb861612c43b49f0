package io.denalij.cpu.system;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import io.denalij.cpu.Memory;
import io.denalij.cpu.Segment;

/**
 * Far JMP, far CALL and far RET (SDM Vol. 2 JMP, CALL, RET; Vol. 3, 5.8): plain CS:IP loads in
 * real and virtual-8086 mode; in protected mode direct transfers to conforming and non-conforming
 * code, call gates (with the inner-stack switch and parameter copy of a CALL to a more privileged
 * level), and returns to the same or an outer level. Every check runs before any state changes.
 * TSS and task-gate targets raise a #GP naming the missing feature: task switching is not implemented.
 */
final class FarTransfer {
    private final CpuState s;
    private final Memory mem;
    private final DescriptorTables tables;
    private final TaskState tss;
    private final SegmentLoader loader;

    FarTransfer(CpuState s, Memory mem, DescriptorTables tables, TaskState tss, SegmentLoader loader) {
        this.s = s;
        this.mem = mem;
        this.tables = tables;
        this.tss = tss;
        this.loader = loader;
    }

    private boolean segmented() { return s.protectedMode() && !s.v86(); }

    // ---------------------------------------------------------------- JMP

    void jump(int selector, int offset, int operandSize) {
        selector &= 0xFFFF;
        int eip = operandSize == 2 ? offset & 0xFFFF : offset;
        if (!segmented()) {
            Segment cs = realModeCode(selector);
            checkEip(eip, cs);
            s.seg[Segment.CS].copyFrom(cs);
            s.eip = eip;
            return;
        }
        Descriptor d = transferTarget(selector);
        int csSel = selector;
        if (d.callGate()) {
            checkGate(selector, d);
            csSel = d.gateSelector();
            eip = d.gateOffset();
            d = gateCode(csSel);
            // A JMP never changes privilege: the gate's code segment must be reachable at the current CPL.
            if (d.conforming() ? d.dpl() > s.cpl : d.dpl() != s.cpl) throw CpuException.gp(Selector.errorCode(csSel, false));
            if (!d.present()) throw new CpuException(CpuException.NP, Selector.errorCode(csSel, false));
        } else if (d.code()) {
            checkDirectCode(selector, d);
        } else {
            throw taskSwitch(selector, "far JMP");
        }
        Segment cs = d.toSegment(Selector.withRpl(csSel, s.cpl));
        checkEip(eip, cs);
        tables.markAccessed(csSel, d);
        s.seg[Segment.CS].copyFrom(cs);
        s.eip = eip;
    }

    // ---------------------------------------------------------------- CALL

    void call(int selector, int offset, int operandSize, int returnEip) {
        selector &= 0xFFFF;
        int eip = operandSize == 2 ? offset & 0xFFFF : offset;
        if (!segmented()) {
            StackFrame frame = currentStackFrame(false);
            frame.push(s.seg[Segment.CS].selector, operandSize);
            frame.push(returnEip, operandSize);
            Segment cs = realModeCode(selector);
            checkEip(eip, cs);
            frame.write();
            s.gpr[CpuState.ESP] = frame.esp();
            s.seg[Segment.CS].copyFrom(cs);
            s.eip = eip;
            return;
        }
        Descriptor d = transferTarget(selector);
        if (d.code()) {
            checkDirectCode(selector, d);
            StackFrame frame = currentStackFrame(false);
            frame.push(s.seg[Segment.CS].selector, operandSize);
            frame.push(returnEip, operandSize);
            Segment cs = d.toSegment(Selector.withRpl(selector, s.cpl));
            checkEip(eip, cs);
            tables.markAccessed(selector, d);
            commitSameStack(frame, cs, eip, s.cpl);
        } else if (d.callGate()) {
            callGate(selector, d, returnEip);
        } else {
            throw taskSwitch(selector, "far CALL");
        }
    }

    private void callGate(int gateSel, Descriptor gate, int returnEip) {
        checkGate(gateSel, gate);
        int csSel = gate.gateSelector();
        Descriptor code = gateCode(csSel);
        int csError = Selector.errorCode(csSel, false);
        if (code.dpl() > s.cpl) throw CpuException.gp(csError);
        if (!code.present()) throw new CpuException(CpuException.NP, csError);
        int size = gate.gate32() ? 4 : 2;
        int eip = gate.gateOffset();
        if (!code.conforming() && code.dpl() < s.cpl) {
            int newCpl = code.dpl();
            InnerStack inner = tss.stackFor(newCpl, false);
            StackFrame frame = new StackFrame(mem, inner.cache(), inner.esp(), false, CpuException.SS,
                    Selector.errorCode(inner.selector(), false));
            frame.push(s.seg[Segment.SS].selector, size);
            frame.push(s.gpr[CpuState.ESP], size);
            // Parameters keep their order: the one deepest in the caller's stack is pushed first.
            for (int i = gate.parameterCount() - 1; i >= 0; i--) frame.push(mem.peek(i * size, size), size);
            frame.push(s.seg[Segment.CS].selector, size);
            frame.push(returnEip, size);
            Segment cs = code.toSegment(Selector.withRpl(csSel, newCpl));
            checkEip(eip, cs);
            tables.markAccessed(inner.selector(), inner.descriptor());
            tables.markAccessed(csSel, code);
            frame.write();
            s.seg[Segment.SS].copyFrom(inner.cache());
            s.gpr[CpuState.ESP] = frame.esp();
            s.seg[Segment.CS].copyFrom(cs);
            s.cpl = newCpl;
            s.eip = eip;
        } else {
            StackFrame frame = currentStackFrame(false);
            frame.push(s.seg[Segment.CS].selector, size);
            frame.push(returnEip, size);
            Segment cs = code.toSegment(Selector.withRpl(csSel, s.cpl));
            checkEip(eip, cs);
            tables.markAccessed(csSel, code);
            commitSameStack(frame, cs, eip, s.cpl);
        }
    }

    // ---------------------------------------------------------------- RET far

    void ret(int operandSize, int popBytes) {
        popBytes &= 0xFFFF;
        int eip = mem.peek(0, operandSize);
        int csSel = mem.peek(operandSize, operandSize) & 0xFFFF;
        if (operandSize == 2) eip &= 0xFFFF;
        if (!segmented()) {
            Segment cs = realModeCode(csSel);
            checkEip(eip, cs);
            s.seg[Segment.CS].copyFrom(cs);
            s.eip = eip;
            mem.adjustSp(2 * operandSize + popBytes);
            return;
        }
        Descriptor code = returnCode(csSel);
        int rpl = Selector.rpl(csSel);
        if (rpl == s.cpl) {
            Segment cs = code.toSegment(csSel);
            checkEip(eip, cs);
            tables.markAccessed(csSel, code);
            s.seg[Segment.CS].copyFrom(cs);
            s.eip = eip;
            mem.adjustSp(2 * operandSize + popBytes);
            return;
        }
        int esp = mem.peek(2 * operandSize + popBytes, operandSize);
        int ssSel = mem.peek(3 * operandSize + popBytes, operandSize) & 0xFFFF;
        if (operandSize == 2) esp &= 0xFFFF;
        Descriptor stack = returnStack(ssSel, rpl);
        Segment ss = stack.toSegment(ssSel);
        Segment cs = code.toSegment(csSel);
        checkEip(eip, cs);
        tables.markAccessed(csSel, code);
        tables.markAccessed(ssSel, stack);
        commitOuterReturn(cs, eip, ss, esp + popBytes, rpl);
    }

    // ---------------------------------------------------------------- checks shared with IRET

    /** The code segment a RET far or IRET returns to: SDM Vol. 2 RET "protected mode" checks, in their order. */
    Descriptor returnCode(int csSel) {
        if (Selector.isNull(csSel)) throw CpuException.gp(0);
        int error = Selector.errorCode(csSel, false);
        Descriptor d = tables.fetch(csSel);
        if (d == null || !d.code()) throw CpuException.gp(error);
        int rpl = Selector.rpl(csSel);
        if (rpl < s.cpl) throw CpuException.gp(error);
        if (d.conforming() ? d.dpl() > rpl : d.dpl() != rpl) throw CpuException.gp(error);
        if (!d.present()) throw new CpuException(CpuException.NP, error);
        return d;
    }

    /** The stack segment of a return to an outer level, which must match the return CS's RPL. */
    Descriptor returnStack(int ssSel, int rpl) {
        if (Selector.isNull(ssSel)) throw CpuException.gp(0);
        int error = Selector.errorCode(ssSel, false);
        if (Selector.rpl(ssSel) != rpl) throw CpuException.gp(error);
        Descriptor d = tables.fetch(ssSel);
        if (d == null || !d.writableData() || d.dpl() != rpl) throw CpuException.gp(error);
        if (!d.present()) throw new CpuException(CpuException.SS, error);
        return d;
    }

    /** Installs CS:EIP and SS:ESP of an outer level and drops the data segments it may not see. */
    void commitOuterReturn(Segment cs, int eip, Segment ss, int esp, int newCpl) {
        s.seg[Segment.CS].copyFrom(cs);
        s.eip = eip;
        s.seg[Segment.SS].copyFrom(ss);
        if (ss.is32()) s.gpr[CpuState.ESP] = esp;
        else s.setReg16(CpuState.ESP, esp);
        s.cpl = newCpl;
        loader.nullInaccessibleDataSegments();
    }

    static void checkEip(int eip, Segment cs) {
        if (Integer.compareUnsigned(eip, cs.limit) > 0) throw CpuException.gp(0);
    }

    /** CS for a real-mode or virtual-8086 transfer: real mode keeps the cached limit and attributes ("unreal" CS). */
    Segment realModeCode(int selector) {
        Segment cs = new Segment();
        if (s.v86()) {
            SegmentLoader.loadV86(cs, selector);
        } else {
            cs.copyFrom(s.seg[Segment.CS]);
            cs.loadReal(selector);
        }
        return cs;
    }

    // ---------------------------------------------------------------- helpers

    private Descriptor transferTarget(int selector) {
        if (Selector.isNull(selector)) throw CpuException.gp(0);
        Descriptor d = tables.fetch(selector);
        if (d == null || !(d.code() || d.callGate() || d.taskGate() || d.tss())) {
            throw CpuException.gp(Selector.errorCode(selector, false));
        }
        return d;
    }

    private void checkDirectCode(int selector, Descriptor d) {
        int error = Selector.errorCode(selector, false);
        if (d.conforming() ? d.dpl() > s.cpl : Selector.rpl(selector) > s.cpl || d.dpl() != s.cpl) {
            throw CpuException.gp(error);
        }
        if (!d.present()) throw new CpuException(CpuException.NP, error);
    }

    private void checkGate(int gateSel, Descriptor gate) {
        int error = Selector.errorCode(gateSel, false);
        if (gate.dpl() < s.cpl || gate.dpl() < Selector.rpl(gateSel)) throw CpuException.gp(error);
        if (!gate.present()) throw new CpuException(CpuException.NP, error);
    }

    private Descriptor gateCode(int csSel) {
        if (Selector.isNull(csSel)) throw CpuException.gp(0);
        Descriptor d = tables.fetch(csSel);
        if (d == null || !d.code()) throw CpuException.gp(Selector.errorCode(csSel, false));
        return d;
    }

    private StackFrame currentStackFrame(boolean ext) {
        return new StackFrame(mem, s.seg[Segment.SS], s.gpr[CpuState.ESP], s.cpl == 3, CpuException.SS, ext ? 1 : 0);
    }

    private void commitSameStack(StackFrame frame, Segment cs, int eip, int cpl) {
        frame.write();
        s.gpr[CpuState.ESP] = frame.esp();
        s.seg[Segment.CS].copyFrom(cs);
        s.cpl = cpl;
        s.eip = eip;
    }

    static CpuException taskSwitch(int selector, String what) {
        return new CpuException(CpuException.GP, Selector.errorCode(selector, false), 0,
                "task switching is not implemented (" + what + " to TSS or task gate " + String.format("0x%04x", selector) + ")");
    }
}
