package io.denalij.cpu.exec;

import static io.denalij.cpu.CpuState.EAX;
import static io.denalij.cpu.CpuState.EBP;
import static io.denalij.cpu.CpuState.EBX;
import static io.denalij.cpu.CpuState.ECX;
import static io.denalij.cpu.CpuState.EDX;
import static io.denalij.cpu.CpuState.ESP;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import io.denalij.cpu.Memory;
import io.denalij.cpu.Segment;
import io.denalij.cpu.alu.Alu;
import io.denalij.cpu.alu.Flags;
import io.denalij.cpu.decode.Form;
import io.denalij.cpu.decode.Instruction;
import io.denalij.cpu.decode.Op;
import io.denalij.cpu.decode.Operand;
import io.denalij.cpu.system.SystemUnit;

/**
 * Executes one decoded instruction: the dispatch on the table's {@link Op} and the integer
 * instructions. String, I/O and system instructions live in {@link StringOps} and
 * {@link SystemOps} so every method stays small enough for HotSpot to compile.
 *
 * <p>Precise faults: every handler does all its memory accesses that can fault (or checks them with
 * {@link Memory#checkWrite}) before it changes a register or the flags. EIP has already been set to
 * the next instruction by the caller; branches overwrite it.
 */
public final class Interpreter {
    final CpuState s;
    final int[] r;
    final Memory mem;
    final SystemUnit sys;
    final StringOps strings;
    final SystemOps system;
    /** Effective address (offset) of the memory operand, kept between the read and the write of read-modify-write. */
    private int ea;

    public Interpreter(CpuState s, Memory mem, SystemUnit sys, SystemOps system) {
        this.s = s;
        this.r = s.gpr;
        this.mem = mem;
        this.sys = sys;
        this.system = system;
        this.strings = new StringOps(s, mem, sys, system.io);
    }

    // ---------------------------------------------------------------- dispatch

    public void execute(Instruction in, Op op) {
        switch (op) {
            case ADD, OR, ADC, SBB, AND, SUB, XOR -> binary(in, op, true);
            case CMP, TEST -> binary(in, op, false);
            case INC, DEC, NOT, NEG -> unary(in, op);
            case MUL, IMUL1 -> multiply(in, op == Op.IMUL1);
            case DIV, IDIV -> divide(in, op == Op.IDIV);
            case IMUL -> imul(in);
            case ROL, ROR, RCL, RCR, SHL, SHR, SAR -> shift(in, op);
            case SHLD, SHRD -> doubleShift(in, op == Op.SHLD);
            case DAA, DAS, AAA, AAS, AAM, AAD, SALC -> bcd(in, op);
            case BT, BTS, BTR, BTC -> bitTest(in, op);
            case BSF, BSR -> bitScan(in, op == Op.BSF);
            case MOV -> mov(in);
            case MOVZX -> setReg(in.reg, in.size, readRmSized(in, in.form.operand(1) == Operand.Eb ? 1 : 2));
            case MOVSX -> movsx(in);
            case LEA -> setReg(in.reg, in.size, in.op32 ? effectiveAddress(in) : effectiveAddress(in) & 0xFFFF);
            case XCHG -> xchg(in);
            case CMPXCHG -> cmpxchg(in);
            case CMPXCHG8B -> cmpxchg8b(in);
            case XADD -> xadd(in);
            case BSWAP -> bswap(in);
            case CMOVCC -> cmov(in);
            case SETCC -> writeRmSized(in, 1, Flags.condition(s, in.cc()) ? 1 : 0);
            case CBW -> cbw(in);
            case CWD -> cwd(in);
            case LAHF -> s.setReg8(4, Flags.get(s) & 0xFF);
            case SAHF -> Flags.set(s, (Flags.get(s) & ~0xD5) | (s.reg8(4) & 0xD5));
            case XLAT -> s.setReg8(0, mem.read8(in.seg, addr(in, (in.addr32 ? r[EBX] : r[EBX] & 0xFFFF) + (r[EAX] & 0xFF))));
            case NOP, PAUSE -> { }
            case MOV_FROM_SREG -> movFromSreg(in);
            case MOV_TO_SREG -> movToSreg(in);
            case LOAD_FAR_POINTER -> loadFarPointer(in);
            case PUSH -> push(in);
            case POP -> pop(in);
            case PUSH_SREG -> mem.push(s.seg[in.form.param].selector, in.size);
            case POP_SREG -> popSreg(in);
            case PUSHA -> pusha(in);
            case POPA -> popa(in);
            case PUSHF -> system.pushf(in);
            case POPF -> system.popf(in);
            case ENTER -> enter(in);
            case LEAVE -> leave(in);
            case JCC -> { if (Flags.condition(s, in.cc())) branch(in.target); }
            case JMP -> branch(in.form.operand(0) == Operand.Ev ? nearIndirect(in) : in.target);
            case CALL -> call(in);
            case RET -> ret(in);
            case LOOP, LOOPE, LOOPNE -> loop(in, op);
            case JCXZ -> { if ((in.addr32 ? r[ECX] : r[ECX] & 0xFFFF) == 0) branch(in.target); }
            case BOUND -> bound(in);
            case CLC -> Flags.setCf(s, false);
            case STC -> Flags.setCf(s, true);
            case CMC -> Flags.setCf(s, !Flags.cf(s));
            case CLD -> s.eflags &= ~CpuState.DF;
            case STD -> s.eflags |= CpuState.DF;
            case MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS -> strings.execute(in, op);
            case DENALI -> virtualInstruction(in);
            case INVALID, UD2 -> throw CpuException.ud(String.format("%s at 0x%08x", in.hexBytes(), in.eip));
            default -> system.execute(in, op, this);
        }
    }

    // ---------------------------------------------------------------- operands

    int reg(int n, int size) {
        return switch (size) {
            case 4 -> r[n];
            case 2 -> r[n] & 0xFFFF;
            default -> s.reg8(n);
        };
    }

    void setReg(int n, int size, int v) {
        switch (size) {
            case 4 -> r[n] = v;
            case 2 -> r[n] = (r[n] & 0xFFFF_0000) | (v & 0xFFFF);
            default -> s.setReg8(n, v);
        }
    }

    /** The offset of the memory operand (without segment base), wrapped to 16 bits with 16-bit addressing. */
    int effectiveAddress(Instruction in) {
        int a = in.disp;
        if (in.base >= 0) a += r[in.base];
        if (in.index >= 0) a += r[in.index] << in.scale;
        return in.addr32 ? a : a & 0xFFFF;
    }

    static int addr(Instruction in, int offset) { return in.addr32 ? offset : offset & 0xFFFF; }

    /** Reads the r/m operand with the given size. */
    int readRmSized(Instruction in, int size) {
        if (!in.hasMemory) return reg(in.rm, size);
        ea = effectiveAddress(in);
        return mem.read(in.seg, ea, size);
    }

    void writeRmSized(Instruction in, int size, int v) {
        if (!in.hasMemory) setReg(in.rm, size, v);
        else mem.write(in.seg, effectiveAddress(in), size, v);
    }

    /** Reads operand {@code i}; a memory operand leaves its offset in {@link #ea} for a later write. */
    int read(Instruction in, int i) {
        Operand o = in.form.operand(i);
        return switch (o) {
            case Eb, Ev, Ew, Ed -> readRmSized(in, sizeOf(in, o));
            case Gb, Gv, Gw, Gd -> reg(in.reg, sizeOf(in, o));
            case Ib, Iw, Iz, Ibs -> in.imm;
            case AL -> r[EAX] & 0xFF;
            case eAX -> reg(EAX, in.op32 ? 4 : 2);
            case CL -> r[ECX] & 0xFF;
            case DX -> r[EDX] & 0xFFFF;
            case ONE -> 1;
            case Zb -> s.reg8(in.form.param);
            case Zv -> reg(in.form.param, in.size);
            case Ob, Ov -> mem.read(in.seg, ea = in.disp & (in.addr32 ? -1 : 0xFFFF), sizeOf(in, o));
            default -> throw new IllegalStateException("operand " + o + " of " + in.form);
        };
    }

    /** Writes operand {@code i}; for memory it writes at the address computed by {@link #read} or afresh. */
    void write(Instruction in, int i, int v) {
        Operand o = in.form.operand(i);
        switch (o) {
            case Eb, Ev, Ew, Ed -> writeRmSized(in, sizeOf(in, o), v);
            case Gb, Gv, Gw, Gd -> setReg(in.reg, sizeOf(in, o), v);
            case AL -> s.setReg8(0, v);
            case eAX -> setReg(EAX, in.op32 ? 4 : 2, v);
            case Zb -> s.setReg8(in.form.param, v);
            case Zv -> setReg(in.form.param, in.size, v);
            case Ob, Ov -> mem.write(in.seg, in.disp & (in.addr32 ? -1 : 0xFFFF), sizeOf(in, o), v);
            default -> throw new IllegalStateException("operand " + o + " of " + in.form);
        }
    }

    static int sizeOf(Instruction in, Operand o) {
        return switch (o) {
            case Eb, Gb, Ob, AL, Zb -> 1;
            case Ew, Gw -> 2;
            case Ed, Gd -> 4;
            default -> in.op32 ? 4 : 2;
        };
    }

    /** True when operand 0 is memory: read-modify-write instructions check writability before reading. */
    private boolean destinationInMemory(Instruction in) {
        return in.hasMemory && in.form.operand(0).isRm();
    }

    // ---------------------------------------------------------------- arithmetic

    private int alu(Op op, int a, int b, int size) {
        return switch (op) {
            case ADD -> Alu.add(s, a, b, size);
            case OR -> Alu.or(s, a, b, size);
            case ADC -> Alu.adc(s, a, b, size);
            case SBB -> Alu.sbb(s, a, b, size);
            case AND, TEST -> Alu.and(s, a, b, size);
            case SUB, CMP -> Alu.sub(s, a, b, size);
            default -> Alu.xor(s, a, b, size);
        };
    }

    private void binary(Instruction in, Op op, boolean writeBack) {
        int size = in.size;
        if (size == 4 && in.shape != Instruction.SHAPE_OTHER) {
            int d = in.dstReg;
            int v = alu(op, r[d], in.shape == Instruction.SHAPE_REG_REG ? r[in.srcReg] : in.imm, 4);
            if (writeBack) r[d] = v;
            return;
        }
        if (writeBack && destinationInMemory(in)) {
            int off = effectiveAddress(in);
            mem.checkWrite(in.seg, off, size);
            int b = read(in, 1);
            int a = mem.read(in.seg, off, size);
            mem.write(in.seg, off, size, alu(op, a, b, size));
            return;
        }
        int b = read(in, 1);
        int a = read(in, 0);
        int v = alu(op, a, b, size);
        if (writeBack) write(in, 0, v);
    }

    private void mov(Instruction in) {
        if (in.size == 4 && in.shape != Instruction.SHAPE_OTHER) {
            r[in.dstReg] = in.shape == Instruction.SHAPE_REG_REG ? r[in.srcReg] : in.imm;
        } else {
            write(in, 0, read(in, 1));
        }
    }

    private void unary(Instruction in, Op op) {
        int size = in.size;
        if (size == 4 && in.shape == Instruction.SHAPE_REG && (op == Op.INC || op == Op.DEC)) {
            int d = in.dstReg;
            r[d] = op == Op.INC ? Alu.inc(s, r[d], 4) : Alu.dec(s, r[d], 4);
            return;
        }
        boolean memory = destinationInMemory(in);
        int off = 0;
        if (memory) { off = effectiveAddress(in); mem.checkWrite(in.seg, off, size); }
        int a = memory ? mem.read(in.seg, off, size) : read(in, 0);
        int v = switch (op) {
            case INC -> Alu.inc(s, a, size);
            case DEC -> Alu.dec(s, a, size);
            case NOT -> ~a & mask(size);
            default -> Alu.neg(s, a, size);
        };
        if (memory) mem.write(in.seg, off, size, v);
        else write(in, 0, v);
    }

    static int mask(int size) { return size == 4 ? -1 : (1 << (size * 8)) - 1; }

    private void multiply(Instruction in, boolean signed) {
        int size = in.size;
        int b = readRmSized(in, size);
        int a = reg(EAX, size);
        long p = signed ? Alu.imul1(s, a, b, size) : Alu.mul(s, a, b, size);
        switch (size) {
            case 1 -> setReg(EAX, 2, (int) p);
            case 2 -> { setReg(EAX, 2, (int) p); setReg(EDX, 2, (int) (p >>> 16)); }
            default -> { r[EAX] = (int) p; r[EDX] = (int) (p >>> 32); }
        }
    }

    private void divide(Instruction in, boolean signed) {
        int size = in.size;
        int divisor = readRmSized(in, size);
        long dividend = switch (size) {
            case 1 -> signed ? (short) r[EAX] : r[EAX] & 0xFFFF;
            case 2 -> {
                int d = (r[EDX] << 16) | (r[EAX] & 0xFFFF);
                yield signed ? d : Integer.toUnsignedLong(d);
            }
            default -> ((long) r[EDX] << 32) | Integer.toUnsignedLong(r[EAX]);
        };
        long qr = signed ? Alu.idiv(s, dividend, divisor, size) : Alu.div(s, dividend, divisor, size);
        int q = (int) qr, rem = (int) (qr >>> 32);
        switch (size) {
            case 1 -> { s.setReg8(0, q); s.setReg8(4, rem); }
            case 2 -> { setReg(EAX, 2, q); setReg(EDX, 2, rem); }
            default -> { r[EAX] = q; r[EDX] = rem; }
        }
    }

    private void imul(Instruction in) {
        int size = in.size;
        int a, b;
        if (in.form.operandCount() == 3) {
            a = readRmSized(in, size);
            b = in.imm;
        } else {
            b = readRmSized(in, size);
            a = reg(in.reg, size);
        }
        setReg(in.reg, size, Alu.imul(s, a, b, size));
    }

    private void shift(Instruction in, Op op) {
        int size = in.size;
        boolean memory = destinationInMemory(in);
        int off = 0;
        int count = read(in, 1);
        if (memory) { off = effectiveAddress(in); mem.checkWrite(in.seg, off, size); }
        int a = memory ? mem.read(in.seg, off, size) : read(in, 0);
        int v = switch (op) {
            case ROL -> Alu.rol(s, a, count, size);
            case ROR -> Alu.ror(s, a, count, size);
            case RCL -> Alu.rcl(s, a, count, size);
            case RCR -> Alu.rcr(s, a, count, size);
            case SHL -> Alu.shl(s, a, count, size);
            case SHR -> Alu.shr(s, a, count, size);
            default -> Alu.sar(s, a, count, size);
        };
        if (memory) mem.write(in.seg, off, size, v);
        else write(in, 0, v);
    }

    private void doubleShift(Instruction in, boolean left) {
        int size = in.size;
        int count = read(in, 2);
        int src = reg(in.reg, size);
        boolean memory = in.hasMemory;
        int off = 0;
        if (memory) { off = effectiveAddress(in); mem.checkWrite(in.seg, off, size); }
        int a = memory ? mem.read(in.seg, off, size) : reg(in.rm, size);
        int v = left ? Alu.shld(s, a, src, count, size) : Alu.shrd(s, a, src, count, size);
        if (memory) mem.write(in.seg, off, size, v);
        else setReg(in.rm, size, v);
    }

    private void bcd(Instruction in, Op op) {
        switch (op) {
            case DAA -> s.setReg8(0, Alu.daa(s, r[EAX]));
            case DAS -> s.setReg8(0, Alu.das(s, r[EAX]));
            case AAA -> s.setReg16(EAX, Alu.aaa(s, r[EAX] & 0xFFFF));
            case AAS -> s.setReg16(EAX, Alu.aas(s, r[EAX] & 0xFFFF));
            case AAM -> s.setReg16(EAX, Alu.aam(s, r[EAX] & 0xFF, in.imm & 0xFF));
            case AAD -> s.setReg16(EAX, Alu.aad(s, r[EAX] & 0xFFFF, in.imm & 0xFF) & 0xFF);
            default -> s.setReg8(0, Flags.cf(s) ? 0xFF : 0);
        }
    }

    private void bitTest(Instruction in, Op op) {
        int size = in.size;
        boolean immediate = in.form.operand(1) == Operand.Ib;
        int bit = immediate ? in.imm & (size * 8 - 1) : reg(in.reg, size);
        if (!in.hasMemory) {
            int a = reg(in.rm, size);
            int v = bitOp(op, a, bit & (size * 8 - 1), size);
            if (op != Op.BT) setReg(in.rm, size, v);
            return;
        }
        int off = effectiveAddress(in);
        if (!immediate) {
            // a register bit offset is signed and may reach outside the addressed operand
            int signedBit = size == 2 ? (short) bit : bit;
            off = addr(in, off + (signedBit >> (size == 2 ? 4 : 5)) * size);
            bit = signedBit & (size * 8 - 1);
        }
        if (op != Op.BT) mem.checkWrite(in.seg, off, size);
        int a = mem.read(in.seg, off, size);
        int v = bitOp(op, a, bit, size);
        if (op != Op.BT) mem.write(in.seg, off, size, v);
    }

    private int bitOp(Op op, int a, int bit, int size) {
        return switch (op) {
            case BT -> { Alu.bt(s, a, bit, size); yield a; }
            case BTS -> Alu.bts(s, a, bit, size);
            case BTR -> Alu.btr(s, a, bit, size);
            default -> Alu.btc(s, a, bit, size);
        };
    }

    private void bitScan(Instruction in, boolean forward) {
        int size = in.size;
        int src = readRmSized(in, size);
        int dst = reg(in.reg, size);
        setReg(in.reg, size, forward ? Alu.bsf(s, src, dst, size) : Alu.bsr(s, src, dst, size));
    }

    // ---------------------------------------------------------------- data movement

    private void movsx(Instruction in) {
        int v = in.form.operand(1) == Operand.Eb ? (byte) readRmSized(in, 1) : (short) readRmSized(in, 2);
        setReg(in.reg, in.size, v);
    }

    private void xchg(Instruction in) {
        int size = in.size;
        if (in.form.operand(0) == Operand.Zv) {
            int n = in.form.param, t = reg(n, size);
            setReg(n, size, reg(EAX, size));
            setReg(EAX, size, t);
            return;
        }
        int g = reg(in.reg, size);
        if (in.hasMemory) {
            int off = effectiveAddress(in);
            mem.checkWrite(in.seg, off, size);
            int m = mem.read(in.seg, off, size);
            mem.write(in.seg, off, size, g);
            setReg(in.reg, size, m);
        } else {
            int m = reg(in.rm, size);
            setReg(in.rm, size, g);
            setReg(in.reg, size, m);
        }
    }

    private void cmpxchg(Instruction in) {
        int size = in.size;
        int off = 0;
        if (in.hasMemory) { off = effectiveAddress(in); mem.checkWrite(in.seg, off, size); }
        int dst = in.hasMemory ? mem.read(in.seg, off, size) : reg(in.rm, size);
        int acc = reg(EAX, size);
        Alu.sub(s, acc, dst, size);
        boolean equal = acc == dst;
        int store = equal ? reg(in.reg, size) : dst; // the P6 always writes the destination
        if (in.hasMemory) mem.write(in.seg, off, size, store);
        else setReg(in.rm, size, store);
        if (!equal) setReg(EAX, size, dst);
    }

    private void cmpxchg8b(Instruction in) {
        int off = effectiveAddress(in);
        mem.checkWrite(in.seg, off, 8);
        int lo = mem.read32(in.seg, off), hi = mem.read32(in.seg, addr(in, off + 4));
        boolean equal = lo == r[EAX] && hi == r[EDX];
        int newLo = equal ? r[EBX] : lo, newHi = equal ? r[ECX] : hi;
        mem.write32(in.seg, off, newLo);
        mem.write32(in.seg, addr(in, off + 4), newHi);
        if (!equal) { r[EAX] = lo; r[EDX] = hi; }
        Flags.setZf(s, equal);
    }

    private void xadd(Instruction in) {
        int size = in.size;
        int src = reg(in.reg, size);
        if (in.hasMemory) {
            int off = effectiveAddress(in);
            mem.checkWrite(in.seg, off, size);
            int dst = mem.read(in.seg, off, size);
            int sum = Alu.add(s, dst, src, size);
            mem.write(in.seg, off, size, sum);
            setReg(in.reg, size, dst);
        } else {
            int dst = reg(in.rm, size);
            int sum = Alu.add(s, dst, src, size);
            setReg(in.reg, size, dst);
            setReg(in.rm, size, sum);
        }
    }

    private void bswap(Instruction in) {
        int n = in.form.param;
        // a 16-bit BSWAP is undefined; the P6 and later leave zero in the low word
        r[n] = in.op32 ? Integer.reverseBytes(r[n]) : r[n] & 0xFFFF_0000;
    }

    private void cmov(Instruction in) {
        int size = in.size;
        int v = readRmSized(in, size); // the source is read (and may fault) whatever the condition
        if (Flags.condition(s, in.cc())) setReg(in.reg, size, v);
    }

    private void cbw(Instruction in) {
        if (in.op32) r[EAX] = (short) r[EAX];
        else setReg(EAX, 2, (byte) r[EAX]);
    }

    private void cwd(Instruction in) {
        if (in.op32) r[EDX] = r[EAX] >> 31;
        else setReg(EDX, 2, (short) r[EAX] >> 15);
    }

    private void movFromSreg(Instruction in) {
        if (in.reg > 5) throw CpuException.ud("mov from segment register " + in.reg);
        int sel = s.seg[in.reg].selector;
        if (in.hasMemory) mem.write16(in.seg, effectiveAddress(in), sel);
        else setReg(in.rm, in.op32 ? 4 : 2, sel);
    }

    private void movToSreg(Instruction in) {
        if (in.reg > 5 || in.reg == Segment.CS) throw CpuException.ud("mov to segment register " + in.reg);
        int sel = readRmSized(in, 2);
        sys.loadSegment(in.reg, sel);
        if (in.reg == Segment.SS) s.interruptShadow = true;
    }

    private void loadFarPointer(Instruction in) {
        int size = in.size;
        int off = effectiveAddress(in);
        int offset = mem.read(in.seg, off, size);
        int sel = mem.read16(in.seg, addr(in, off + size));
        sys.loadSegment(in.form.param, sel);
        setReg(in.reg, size, offset);
        if (in.form.param == Segment.SS) s.interruptShadow = true;
    }

    // ---------------------------------------------------------------- stack

    private void push(Instruction in) {
        int v = switch (in.form.operand(0)) {
            case Zv -> reg(in.form.param, in.size);
            case Ev -> readRmSized(in, in.size);
            default -> in.imm;
        };
        mem.push(v, in.size);
    }

    private void pop(Instruction in) {
        int size = in.size;
        if (in.form.operand(0) == Operand.Zv) {
            int v = mem.pop(size);
            setReg(in.form.param, size, v);
            return;
        }
        int v = mem.peek(0, size);
        if (!in.hasMemory) {
            mem.adjustSp(size);
            setReg(in.rm, size, v);
            return;
        }
        // POP m: ESP is incremented before the destination address is computed
        int oldEsp = r[ESP];
        mem.adjustSp(size);
        try {
            mem.write(in.seg, effectiveAddress(in), size, v);
        } catch (RuntimeException e) {
            r[ESP] = oldEsp;
            throw e;
        }
    }

    private void popSreg(Instruction in) {
        int sel = mem.peek(0, in.size) & 0xFFFF;
        sys.loadSegment(in.form.param, sel);
        mem.adjustSp(in.size);
        if (in.form.param == Segment.SS) s.interruptShadow = true;
    }

    private int sp() { return s.stack32() ? r[ESP] : r[ESP] & 0xFFFF; }

    private void pusha(Instruction in) {
        int size = in.size;
        int start = s.stack32() ? sp() - 8 * size : (sp() - 8 * size) & 0xFFFF;
        mem.checkWrite(Segment.SS, start, 8 * size);
        int temp = r[ESP];
        for (int i = 0; i < 8; i++) mem.push(i == ESP ? temp : r[i], size);
    }

    private void popa(Instruction in) {
        int size = in.size;
        int[] v = new int[8];
        for (int i = 0; i < 8; i++) v[7 - i] = mem.peek(i * size, size);
        for (int i = 0; i < 8; i++) if (i != ESP) setReg(i, size, v[i]);
        mem.adjustSp(8 * size);
    }

    private void enter(Instruction in) {
        int size = in.size;
        int alloc = in.imm & 0xFFFF, level = in.imm2 & 31;
        boolean s32 = s.stack32();
        int frameBytes = size * (1 + (level > 0 ? level : 0));
        int start = s32 ? sp() - frameBytes : (sp() - frameBytes) & 0xFFFF;
        mem.checkWrite(Segment.SS, start, frameBytes);
        int bp = s32 ? r[EBP] : r[EBP] & 0xFFFF;
        int[] copied = new int[Math.max(0, level - 1)];
        for (int i = 1; i < level; i++) {
            int a = s32 ? bp - i * size : (bp - i * size) & 0xFFFF;
            copied[i - 1] = mem.read(Segment.SS, a, size);
        }
        int newEspCheck = s32 ? sp() - frameBytes - alloc : (sp() - frameBytes - alloc) & 0xFFFF;
        if (!s.seg[Segment.SS].flat) mem.checkWrite(Segment.SS, newEspCheck, 1);
        mem.push(r[EBP], size);
        int frameTemp = s32 ? r[ESP] : r[ESP] & 0xFFFF;
        for (int v : copied) mem.push(v, size);
        if (level > 0) mem.push(frameTemp, size);
        setReg(EBP, size == 4 ? 4 : 2, frameTemp);
        mem.adjustSp(-alloc);
    }

    private void leave(Instruction in) {
        int size = in.size;
        int bp = s.stack32() ? r[EBP] : r[EBP] & 0xFFFF;
        int v = mem.read(Segment.SS, bp, size);
        if (s.stack32()) r[ESP] = bp + size;
        else setReg(ESP, 2, bp + size);
        setReg(EBP, size, v);
    }

    // ---------------------------------------------------------------- control transfer

    /** Jumps within CS: the target must lie within the CS limit (#GP(0) otherwise). */
    void branch(int target) {
        Segment cs = s.seg[Segment.CS];
        if (!cs.flat && Integer.compareUnsigned(target, cs.limit) > 0) throw CpuException.gp(0);
        s.eip = target;
    }

    private int nearIndirect(Instruction in) {
        int t = readRmSized(in, in.size);
        return in.op32 ? t : t & 0xFFFF;
    }

    private void call(Instruction in) {
        int target = in.form.operand(0) == Operand.Ev ? nearIndirect(in) : in.target;
        Segment cs = s.seg[Segment.CS];
        if (!cs.flat && Integer.compareUnsigned(target, cs.limit) > 0) throw CpuException.gp(0);
        mem.push(in.nextEip, in.size);
        s.eip = target;
    }

    private void ret(Instruction in) {
        int size = in.size;
        int target = mem.peek(0, size);
        if (!in.op32) target &= 0xFFFF;
        branch(target);
        mem.adjustSp(size + (in.form.operandCount() > 0 ? in.imm & 0xFFFF : 0));
    }

    private void loop(Instruction in, Op op) {
        int count = (in.addr32 ? r[ECX] : r[ECX] & 0xFFFF) - 1;
        boolean taken = (in.addr32 ? count : count & 0xFFFF) != 0;
        if (op == Op.LOOPE) taken &= Flags.zf(s);
        else if (op == Op.LOOPNE) taken &= !Flags.zf(s);
        if (taken) branch(in.target);
        setReg(ECX, in.addr32 ? 4 : 2, count);
    }

    private void bound(Instruction in) {
        int size = in.size;
        int off = effectiveAddress(in);
        int lower = mem.read(in.seg, off, size), upper = mem.read(in.seg, addr(in, off + size), size);
        int index = reg(in.reg, size);
        if (size == 2) { lower = (short) lower; upper = (short) upper; index = (short) index; }
        if (index < lower || index > upper) throw new CpuException(CpuException.BR, -1);
    }

    /** The LOCK prefix is #UD unless the form is lockable and its destination is memory. */
    public static boolean lockValid(Instruction in) {
        return !in.lock() || in.form.has(Form.LOCKABLE) && in.hasMemory;
    }

    /** 0F 3F xx: a virtual instruction when a paravirtual architecture is installed, #UD on a PC (as on hardware). */
    private void virtualInstruction(Instruction in) {
        io.denalij.cpu.VirtualArchitecture va = sys.virtualArchitecture();
        if (va == null) throw CpuException.ud(String.format("%s at 0x%08x", in.hexBytes(), in.eip));
        va.virtualInstruction(in.imm & 0xFF, new io.denalij.cpu.VirtualArchitecture.Instruction(in.eip, in.length));
    }
}
