package io.denalij.cpu.exec;

import static io.denalij.cpu.CpuState.EAX;
import static io.denalij.cpu.CpuState.EBX;
import static io.denalij.cpu.CpuState.ECX;
import static io.denalij.cpu.CpuState.EDX;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import io.denalij.cpu.CpuidModel;
import io.denalij.cpu.IoBus;
import io.denalij.cpu.Memory;
import io.denalij.cpu.Segment;
import io.denalij.cpu.alu.Flags;
import io.denalij.cpu.decode.Form;
import io.denalij.cpu.decode.Instruction;
import io.denalij.cpu.decode.Op;
import io.denalij.cpu.decode.Operand;
import io.denalij.cpu.system.SystemUnit;

/**
 * The instructions that reach outside the integer core: I/O, interrupts and far transfers,
 * flags with privilege rules, control and debug registers, descriptor tables, CPUID, MSRs, x87.
 */
public final class SystemOps {
    private final CpuState s;
    private final int[] r;
    private final Memory mem;
    private final SystemUnit sys;
    private Fpu fpu;
    final IoBus io;
    private final Runnable flushCode;
    private CpuidModel cpuid = CpuidModel.pentiumPro();
    private final int[] cpuidOut = new int[4];

    public static final int MSR_TSC = 0x10, MSR_PLATFORM_ID = 0x17, MSR_BIOS_SIGN_ID = 0x8B;

    public SystemOps(CpuState s, Memory mem, SystemUnit sys, Fpu fpu, IoBus io, Runnable flushCode) {
        this.s = s;
        this.r = s.gpr;
        this.mem = mem;
        this.sys = sys;
        this.fpu = fpu;
        this.io = io;
        this.flushCode = flushCode;
    }

    public void setCpuid(CpuidModel model) { this.cpuid = model; }

    public CpuidModel cpuid() { return cpuid; }

    private boolean realOrV86() { return !s.protectedMode() || s.v86(); }

    private int iopl() { return (s.eflags >> 12) & 3; }

    /** CPL 0 or #GP(0); virtual-8086 mode runs at CPL 3. */
    private void requireCpl0() {
        if (s.protectedMode() && (s.cpl != 0 || s.v86())) throw CpuException.gp(0);
    }

    void execute(Instruction in, Op op, Interpreter x) {
        if (in.form.has(Form.PROTECTED_ONLY) && realOrV86()) {
            throw CpuException.ud(in.form.mnemonic + " in real or virtual-8086 mode");
        }
        switch (op) {
            case IN -> in(in);
            case OUT -> out(in, x);
            case INT -> {
                sys.deliver(in.imm & 0xFF, -1, SystemUnit.KIND_SOFTWARE, in.nextEip);
            }
            case INT3 -> sys.deliver(in.form.param, -1,
                    in.form.param == 3 ? SystemUnit.KIND_BREAKPOINT : SystemUnit.KIND_EXCEPTION, in.nextEip);
            case INTO -> { if (Flags.of(s)) sys.deliver(CpuException.OF, -1, SystemUnit.KIND_BREAKPOINT, in.nextEip); }
            case IRET -> sys.iret(in.size);
            case JMP_FAR -> sys.jumpFar(in.imm2 & 0xFFFF, in.imm, in.size);
            case CALL_FAR -> sys.callFar(in.imm2 & 0xFFFF, in.imm, in.size, in.nextEip);
            case JMP_FAR_INDIRECT, CALL_FAR_INDIRECT -> farIndirect(in, x, op == Op.CALL_FAR_INDIRECT);
            case RET_FAR -> sys.returnFar(in.size, in.form.operandCount() > 0 ? in.imm & 0xFFFF : 0);
            case CLI -> { if (!sys.cliStiAllowed()) throw CpuException.gp(0); s.eflags &= ~CpuState.IF; }
            case STI -> sti();
            case HLT -> { requireCpl0(); s.halted = true; }
            case CPUID -> {
                cpuid.answer(r[EAX], cpuidOut);
                r[EAX] = cpuidOut[0]; r[EBX] = cpuidOut[1]; r[ECX] = cpuidOut[2]; r[EDX] = cpuidOut[3];
            }
            case RDTSC -> {
                if ((s.cr4 & CpuState.CR4_TSD) != 0 && s.protectedMode() && (s.cpl != 0 || s.v86())) throw CpuException.gp(0);
                long tsc = s.icount + s.tscOffset;
                r[EAX] = (int) tsc; r[EDX] = (int) (tsc >>> 32);
            }
            case RDPMC -> {
                if ((s.cr4 & CpuState.CR4_PCE) == 0 && s.protectedMode() && (s.cpl != 0 || s.v86())) throw CpuException.gp(0);
                if (Integer.compareUnsigned(r[ECX], 1) > 0) throw CpuException.gp(0);
                r[EAX] = 0; r[EDX] = 0; // no event is counted
            }
            case RDMSR -> rdmsr();
            case WRMSR -> wrmsr();
            case LGDT, LIDT -> loadTable(in, x, op == Op.LGDT);
            case SGDT, SIDT -> storeTable(in, x, op == Op.SGDT);
            case LLDT -> { requireCpl0(); sys.lldt(x.readRmSized(in, 2)); }
            case LTR -> { requireCpl0(); sys.ltr(x.readRmSized(in, 2)); }
            case SLDT -> storeSelector(in, x, s.ldtr.selector);
            case STR -> storeSelector(in, x, s.tr.selector);
            case SMSW -> {
                if (in.hasMemory) mem.write16(in.seg, x.effectiveAddress(in), s.cr0);
                else x.setReg(in.rm, in.size, s.cr0);
            }
            case LMSW -> {
                requireCpl0();
                int v = x.readRmSized(in, 2);
                // LMSW sets PE but never clears it; it touches only PE, MP, EM, TS
                sys.writeCr(0, (s.cr0 & ~0xE) | (v & 0xF) | (s.cr0 & 1));
            }
            case CLTS -> { requireCpl0(); sys.writeCr(0, s.cr0 & ~CpuState.CR0_TS); }
            case INVLPG -> {
                requireCpl0();
                mem.mmu().invlpg(s.seg[in.seg].base + x.effectiveAddress(in));
                flushCode.run();
            }
            case INVD, WBINVD -> requireCpl0();
            case MOV_FROM_CR -> { requireCpl0(); r[in.rm] = sys.readCr(in.reg); }
            case MOV_TO_CR -> { requireCpl0(); sys.writeCr(in.reg, r[in.rm]); }
            case MOV_FROM_DR -> { requireCpl0(); r[in.rm] = sys.readDr(in.reg); }
            case MOV_TO_DR -> { requireCpl0(); sys.writeDr(in.reg, r[in.rm]); }
            case LAR, LSL -> larLsl(in, x, op == Op.LAR);
            case VERR -> Flags.setZf(s, sys.verr(x.readRmSized(in, 2)));
            case VERW -> Flags.setZf(s, sys.verw(x.readRmSized(in, 2)));
            case ARPL -> arpl(in, x);
            case ESC -> x87(in, x);
            case FWAIT -> {
                if ((s.cr0 & (CpuState.CR0_MP | CpuState.CR0_TS)) == (CpuState.CR0_MP | CpuState.CR0_TS)) {
                    throw new CpuException(CpuException.NM, -1);
                }
                fpu.fwait();
            }
            default -> throw new io.denalij.cpu.UnimplementedInstruction(s.seg[Segment.CS].selector, in.eip,
                    in.hexBytes(), in.toString(), "no handler for " + op);
        }
    }

    // ---- I/O

    private void in(Instruction in) {
        int port = in.form.operand(1) == Operand.DX ? r[EDX] & 0xFFFF : in.imm & 0xFF;
        int size = in.size;
        sys.checkIo(port, size);
        int v = io.in(port, size);
        switch (size) {
            case 1 -> s.setReg8(0, v);
            case 2 -> s.setReg16(EAX, v);
            default -> r[EAX] = v;
        }
    }

    private void out(Instruction in, Interpreter x) {
        int port = in.form.operand(0) == Operand.DX ? r[EDX] & 0xFFFF : in.imm & 0xFF;
        int size = in.size;
        sys.checkIo(port, size);
        io.out(port, size, x.reg(EAX, size));
    }

    // ---- flags

    void pushf(Instruction in) {
        if (s.v86() && iopl() < 3) throw CpuException.gp(0);
        int f = Flags.get(s) & ~(CpuState.VM | CpuState.RF); // the image never shows VM or RF
        mem.push(in.op32 ? f : f & 0xFFFF, in.size);
    }

    void popf(Instruction in) {
        if (s.v86() && iopl() < 3) throw CpuException.gp(0);
        int v = mem.peek(0, in.size);
        int changeable = CpuState.ARITH_FLAGS | CpuState.TF | CpuState.DF | CpuState.NT | CpuState.AC | CpuState.ID;
        boolean cpl0 = !s.protectedMode() || (!s.v86() && s.cpl == 0);
        if (cpl0) changeable |= CpuState.IOPL | CpuState.IF;
        else if (s.v86() || s.cpl <= iopl()) changeable |= CpuState.IF;
        if (!in.op32) changeable &= 0xFFFF;
        int old = Flags.get(s);
        mem.adjustSp(in.size);
        Flags.set(s, ((old & ~changeable) | (v & changeable)) & ~CpuState.RF);
    }

    private void sti() {
        if (!sys.cliStiAllowed()) throw CpuException.gp(0);
        if ((s.eflags & CpuState.IF) == 0) s.interruptShadow = true;
        s.eflags |= CpuState.IF;
    }

    // ---- far transfers through memory

    private void farIndirect(Instruction in, Interpreter x, boolean call) {
        int off = x.effectiveAddress(in);
        int offset = mem.read(in.seg, off, in.size);
        int sel = mem.read16(in.seg, Interpreter.addr(in, off + in.size));
        if (call) sys.callFar(sel, offset, in.size, in.nextEip);
        else sys.jumpFar(sel, offset, in.size);
    }

    // ---- descriptor tables

    private void loadTable(Instruction in, Interpreter x, boolean gdt) {
        requireCpl0();
        int off = x.effectiveAddress(in);
        int limit = mem.read16(in.seg, off);
        int base = mem.read32(in.seg, Interpreter.addr(in, off + 2));
        if (!in.op32) base &= 0xFF_FFFF;
        if (gdt) sys.lgdt(base, limit);
        else sys.lidt(base, limit);
    }

    private void storeTable(Instruction in, Interpreter x, boolean gdt) {
        int off = x.effectiveAddress(in);
        mem.checkWrite(in.seg, off, 6);
        int limit = gdt ? s.gdtrLimit : s.idtrLimit;
        int base = gdt ? s.gdtrBase : s.idtrBase;
        mem.write16(in.seg, off, limit);
        mem.write32(in.seg, Interpreter.addr(in, off + 2), in.op32 ? base : base & 0xFF_FFFF);
    }

    private void storeSelector(Instruction in, Interpreter x, int sel) {
        if (in.hasMemory) mem.write16(in.seg, x.effectiveAddress(in), sel);
        else x.setReg(in.rm, in.size, sel);
    }

    private void larLsl(Instruction in, Interpreter x, boolean lar) {
        int sel = x.readRmSized(in, 2);
        long v = lar ? sys.lar(sel) : sys.lsl(sel);
        if (v < 0) {
            Flags.setZf(s, false);
            return;
        }
        x.setReg(in.reg, in.size, (int) v);
        Flags.setZf(s, true);
    }

    private void arpl(Instruction in, Interpreter x) {
        int off = 0;
        if (in.hasMemory) { off = x.effectiveAddress(in); mem.checkWrite(in.seg, off, 2); }
        int dst = in.hasMemory ? mem.read16(in.seg, off) : r[in.rm] & 0xFFFF;
        int src = r[in.reg] & 0xFFFF;
        if ((dst & 3) < (src & 3)) {
            dst = (dst & ~3) | (src & 3);
            if (in.hasMemory) mem.write16(in.seg, off, dst);
            else s.setReg16(in.rm, dst);
            Flags.setZf(s, true);
        } else {
            Flags.setZf(s, false);
        }
    }

    // ---- MSRs

    private void rdmsr() {
        requireCpl0();
        long v = switch (r[ECX]) {
            case MSR_TSC -> s.icount + s.tscOffset;
            case MSR_PLATFORM_ID, MSR_BIOS_SIGN_ID -> 0;
            default -> throw CpuException.gp(0);
        };
        r[EAX] = (int) v;
        r[EDX] = (int) (v >>> 32);
    }

    private void wrmsr() {
        requireCpl0();
        long v = ((long) r[EDX] << 32) | Integer.toUnsignedLong(r[EAX]);
        switch (r[ECX]) {
            case MSR_TSC -> s.tscOffset = v - s.icount;
            case MSR_BIOS_SIGN_ID -> { } // microcode update trigger: nothing to load
            default -> throw CpuException.gp(0);
        }
    }

    // ---- x87

    private void x87(Instruction in, Interpreter x) {
        if ((s.cr0 & (CpuState.CR0_EM | CpuState.CR0_TS)) != 0) throw new CpuException(CpuException.NM, -1);
        int opcode = in.form.opcode;
        int offset = in.hasMemory ? x.effectiveAddress(in) : 0;
        fpu.execute(opcode, in.modrm, in.seg, offset, in.op32, in.eip, s.seg[Segment.CS].selector);
    }
}
