package io.denalij.cpu.system;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import io.denalij.cpu.Memory;
import io.denalij.cpu.Segment;
import io.denalij.cpu.alu.Flags;

/**
 * Delivers one interrupt or exception (SDM Vol. 2 INT n; Vol. 3, 6.10-6.12 and 20.3.1): through
 * the IVT in real mode; in protected mode through interrupt and trap gates (16- and 32-bit), on the
 * same stack or on the inner stack named by the TSS, including the exit from virtual-8086 mode.
 * Faults raised while delivering carry the EXT bit for external events and exceptions and the IDT
 * bit when they name an IDT entry. The new frame is checked completely before anything is written,
 * so a fault during delivery leaves the processor state as it was. Task gates are not implemented.
 */
final class InterruptDelivery {
    private final CpuState s;
    private final Memory mem;
    private final DescriptorTables tables;
    private final TaskState tss;

    InterruptDelivery(CpuState s, Memory mem, DescriptorTables tables, TaskState tss) {
        this.s = s;
        this.mem = mem;
        this.tables = tables;
        this.tss = tss;
    }

    void deliver(int vector, int errorCode, int kind, int returnEip) {
        vector &= 0xFF;
        if (!s.protectedMode()) {
            deliverReal(vector, returnEip);
            return;
        }
        int eflags = Flags.get(s);
        // INT n in virtual-8086 mode is IOPL-sensitive (CR4.VME is not supported): the monitor gets #GP(0).
        if (kind == SystemUnit.KIND_SOFTWARE && s.v86() && (eflags & CpuState.IOPL) != CpuState.IOPL) {
            throw CpuException.gp(0);
        }
        boolean ext = kind == SystemUnit.KIND_EXCEPTION || kind == SystemUnit.KIND_EXTERNAL;
        boolean software = kind == SystemUnit.KIND_SOFTWARE || kind == SystemUnit.KIND_BREAKPOINT;
        Descriptor gate = tables.idtGate(vector);
        if (gate == null || !(gate.interruptOrTrapGate() || gate.taskGate())) {
            throw CpuException.gp(Selector.idtErrorCode(vector, ext));
        }
        if (software && gate.dpl() < s.cpl) throw CpuException.gp(Selector.idtErrorCode(vector, false));
        if (!gate.present()) throw new CpuException(CpuException.NP, Selector.idtErrorCode(vector, ext));
        if (gate.taskGate()) {
            throw new CpuException(CpuException.GP, Selector.errorCode(gate.gateSelector(), ext), 0,
                    "task switching is not implemented (task gate in IDT entry " + vector + ")");
        }

        int csSel = gate.gateSelector();
        if (Selector.isNull(csSel)) throw CpuException.gp(ext ? 1 : 0);
        int csError = Selector.errorCode(csSel, ext);
        Descriptor code = tables.fetch(csSel);
        if (code == null || !code.code() || code.dpl() > s.cpl) throw CpuException.gp(csError);
        if (!code.present()) throw new CpuException(CpuException.NP, csError);

        InnerStack inner = null;
        int newCpl = s.cpl;
        if (!code.conforming() && code.dpl() < s.cpl) {
            if (s.v86() && code.dpl() != 0) throw CpuException.gp(csError);
            newCpl = code.dpl();
            inner = tss.stackFor(newCpl, ext);
        } else if (s.v86()) {
            // Leaving virtual-8086 mode always goes to a ring-0, non-conforming handler.
            throw CpuException.gp(csError);
        }
        enter(gate, csSel, code, newCpl, inner, eflags, errorCode, returnEip, ext);
    }

    private void enter(Descriptor gate, int csSel, Descriptor code, int newCpl, InnerStack inner, int eflags,
                       int errorCode, int returnEip, boolean ext) {
        int size = gate.gate32() ? 4 : 2;
        boolean fromV86 = s.v86();
        StackFrame frame;
        if (inner != null) {
            frame = new StackFrame(mem, inner.cache(), inner.esp(), newCpl == 3, CpuException.SS,
                    Selector.errorCode(inner.selector(), ext));
            if (fromV86) {
                frame.push(s.seg[Segment.GS].selector, size);
                frame.push(s.seg[Segment.FS].selector, size);
                frame.push(s.seg[Segment.DS].selector, size);
                frame.push(s.seg[Segment.ES].selector, size);
            }
            frame.push(s.seg[Segment.SS].selector, size);
            frame.push(s.gpr[CpuState.ESP], size);
        } else {
            frame = new StackFrame(mem, s.seg[Segment.SS], s.gpr[CpuState.ESP], s.cpl == 3, CpuException.SS, ext ? 1 : 0);
        }
        frame.push(eflags, size);
        frame.push(s.seg[Segment.CS].selector, size);
        frame.push(returnEip, size);
        if (errorCode >= 0) frame.push(errorCode, size);
        int eip = gate.gateOffset();
        Segment cs = code.toSegment(Selector.withRpl(csSel, newCpl));
        if (Integer.compareUnsigned(eip, cs.limit) > 0) throw CpuException.gp(ext ? 1 : 0);

        // Every check passed: commit.
        tables.markAccessed(csSel, code);
        if (inner != null) tables.markAccessed(inner.selector(), inner.descriptor());
        frame.write();
        if (inner != null) s.seg[Segment.SS].copyFrom(inner.cache());
        s.gpr[CpuState.ESP] = frame.esp();
        if (fromV86) {
            for (int i : new int[] {Segment.ES, Segment.DS, Segment.FS, Segment.GS}) s.seg[i].loadNull(0);
        }
        s.seg[Segment.CS].copyFrom(cs);
        s.cpl = newCpl;
        s.eip = eip;
        int cleared = CpuState.TF | CpuState.NT | CpuState.RF | CpuState.VM | (gate.interruptGate() ? CpuState.IF : 0);
        Flags.set(s, eflags & ~cleared);
        s.halted = false;
    }

    /** Real mode: FLAGS, CS, IP on the stack, CS:IP from the 4-byte IVT entry (SDM Vol. 3, 20.1.4). */
    private void deliverReal(int vector, int returnEip) {
        int entry = vector << 2;
        if (entry + 3L > (s.idtrLimit & 0xFFFFL)) throw CpuException.gp(0);
        int eflags = Flags.get(s);
        StackFrame frame = new StackFrame(mem, s.seg[Segment.SS], s.gpr[CpuState.ESP], false, CpuException.SS, 0);
        frame.push(eflags, 2);
        frame.push(s.seg[Segment.CS].selector, 2);
        frame.push(returnEip, 2);
        int ip = mem.readSystem16(s.idtrBase + entry);
        int cs = mem.readSystem16(s.idtrBase + entry + 2);
        frame.write();
        s.gpr[CpuState.ESP] = frame.esp();
        s.seg[Segment.CS].loadReal(cs);
        s.eip = ip;
        Flags.set(s, eflags & ~(CpuState.IF | CpuState.TF | CpuState.AC));
        s.halted = false;
    }
}
