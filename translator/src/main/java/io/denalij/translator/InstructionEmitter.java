package io.denalij.translator;

import static io.denalij.translator.BlockTranslator.CTX;
import static io.denalij.translator.BlockTranslator.L_A;
import static io.denalij.translator.BlockTranslator.L_B;
import static io.denalij.translator.BlockTranslator.L_CTX;
import static io.denalij.translator.BlockTranslator.L_EA;
import static io.denalij.translator.BlockTranslator.L_FOP;
import static io.denalij.translator.BlockTranslator.L_FRES;
import static io.denalij.translator.BlockTranslator.L_FS1;
import static io.denalij.translator.BlockTranslator.L_FS2;
import static io.denalij.translator.BlockTranslator.L_MEM;
import static io.denalij.translator.BlockTranslator.L_NEIP;
import static io.denalij.translator.BlockTranslator.L_PAGES;
import static io.denalij.translator.BlockTranslator.L_R;
import static io.denalij.translator.BlockTranslator.L_REG;
import static io.denalij.translator.BlockTranslator.L_S;
import static io.denalij.translator.BlockTranslator.L_STACK32;
import static io.denalij.translator.BlockTranslator.L_T;
import static io.denalij.translator.BlockTranslator.STATE;
import static org.objectweb.asm.Opcodes.*;

import io.denalij.cpu.CpuState;
import io.denalij.cpu.alu.Flags;
import io.denalij.cpu.decode.Instruction;
import io.denalij.cpu.decode.Op;
import io.denalij.cpu.decode.Operand;

import java.util.EnumSet;
import java.util.Set;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Bytecode for the instructions the translator handles inline, each matching the reference
 * {@code Interpreter} bit for bit: the same results, the same lazy flags, the same faults in the
 * same order, and no local changed before the last access that can fault.
 *
 * <p>Registers are the locals {@code L_REG + n}; byte and word registers are merged into them. The
 * lazy flags are the locals {@code L_FOP..L_FS2}; operations without an inline form here (shifts,
 * IMUL) call {@code Alu} on the state with the flags spilled around the call, which keeps the
 * registers in locals.
 */
final class InstructionEmitter {
    private static final String MEM = "io/denalij/cpu/Memory";
    private static final String FAST = "io/denalij/translator/FastMemory";
    private static final String READ = "([I[[BIL" + MEM + ";I)I", WRITE = "([I[[BIIL" + MEM + ";I)V";
    private static final String ALU = "io/denalij/cpu/alu/Alu";
    private static final String LAZY = "io/denalij/translator/LazyFlags";

    /** Operations whose interpreter fallback cannot stop the machine or change its mode: a block with them may repeat in place. */
    private static final Set<Op> QUIET = EnumSet.of(Op.ADD, Op.OR, Op.ADC, Op.SBB, Op.AND, Op.SUB, Op.XOR, Op.CMP,
            Op.TEST, Op.INC, Op.DEC, Op.NOT, Op.NEG, Op.MUL, Op.IMUL1, Op.IMUL, Op.DIV, Op.IDIV, Op.ROL, Op.ROR,
            Op.RCL, Op.RCR, Op.SHL, Op.SHR, Op.SAR, Op.SHLD, Op.SHRD, Op.DAA, Op.DAS, Op.AAA, Op.AAS, Op.AAM, Op.AAD,
            Op.SALC, Op.BT, Op.BTS, Op.BTR, Op.BTC, Op.BSF, Op.BSR, Op.MOV, Op.MOVSX, Op.MOVZX, Op.LEA, Op.XCHG,
            Op.CMPXCHG, Op.CMPXCHG8B, Op.XADD, Op.BSWAP, Op.CMOVCC, Op.SETCC, Op.CBW, Op.CWD, Op.LAHF, Op.SAHF,
            Op.XLAT, Op.NOP, Op.PAUSE, Op.PUSH, Op.POP, Op.PUSHA, Op.POPA, Op.ENTER, Op.LEAVE, Op.JCC, Op.JMP,
            Op.CALL, Op.RET, Op.LOOP, Op.LOOPE, Op.LOOPNE, Op.JCXZ, Op.CLC, Op.STC, Op.CMC, Op.CLD, Op.STD, Op.MOVS,
            Op.CMPS, Op.STOS, Op.LODS, Op.SCAS);

    private final MethodVisitor mv;
    /** The instruction being emitted sets flags nobody reads (see {@link #instruction(Instruction, Op, boolean, boolean)}). */
    private boolean flagsDead;

    InstructionEmitter(MethodVisitor mv) {
        this.mv = mv;
    }

    static boolean quiet(Op op) { return QUIET.contains(op); }

    /** True when the emitted last instruction leaves the next EIP in {@code L_NEIP} itself. */
    static boolean setsNextEip(Instruction in, Op op, boolean inlined) {
        if (!inlined) return true;
        return switch (op) {
            case JCC, JMP, CALL, RET, LOOP, LOOPE, LOOPNE, JCXZ -> true;
            default -> false;
        };
    }

    // ---------------------------------------------------------------- what is inline

    boolean canInline(Instruction in, Op op) {
        if (in.lock()) return false;
        Operand o0 = in.form.operandCount() > 0 ? in.form.operand(0) : null;
        return switch (op) {
            case ADD, OR, ADC, SBB, AND, SUB, XOR, CMP, TEST -> plain(in, 0) && plain(in, 1);
            case INC, DEC, NOT, NEG -> plain(in, 0);
            case MOV -> plain(in, 0) && plain(in, 1);
            case MOVZX, MOVSX, CMOVCC -> true;
            case LEA -> true;
            case SETCC -> true;
            case ROL, ROR, RCL, RCR, SHL, SHR, SAR -> plain(in, 0) && plain(in, 1);
            case IMUL -> true;
            case XCHG -> plain(in, 0) && plain(in, 1);
            case CBW, CWD, NOP, PAUSE -> true;
            case PUSH -> true;
            case POP -> o0 == Operand.Zv;
            case JCC -> true;
            case JMP -> o0 == Operand.Jb || o0 == Operand.Jz || o0 == Operand.Ev;
            case CALL -> o0 == Operand.Jz || o0 == Operand.Ev;
            case RET, LOOP, LOOPE, LOOPNE, JCXZ -> true;
            default -> false;
        };
    }

    /** Operand kinds {@link #load} and {@link #store} know. */
    private static boolean plain(Instruction in, int i) {
        if (i >= in.form.operandCount()) return false;
        return switch (in.form.operand(i)) {
            case Eb, Ew, Ed, Ev, Gb, Gw, Gd, Gv, Ib, Iw, Iz, Ibs, AL, eAX, CL, ONE, Zb, Zv, Ob, Ov -> true;
            default -> false;
        };
    }

    // ---------------------------------------------------------------- emission

    /** As {@link #instruction(Instruction, Op, boolean, boolean)} with the instruction's flags observable. */
    void instruction(Instruction in, Op op, boolean last) {
        instruction(in, op, last, false);
    }

    /**
     * Emits {@code in}. With {@code flagsDead} (see {@link DeadFlags}) nothing can observe the flags
     * it would set, and shifts and IMUL, whose flags otherwise go through {@code Alu} on the state,
     * compute their result alone.
     */
    void instruction(Instruction in, Op op, boolean last, boolean flagsDead) {
        this.flagsDead = flagsDead;
        switch (op) {
            case ADD, OR, ADC, SBB, AND, SUB, XOR -> binary(in, op, true);
            case CMP, TEST -> binary(in, op, false);
            case INC, DEC, NOT, NEG -> unary(in, op);
            case MOV -> { load(in, 1); store(in, 0); }
            case MOVZX, MOVSX -> movExtend(in, op);
            case LEA -> {
                effectiveAddress(in);
                if (!in.op32) mask(0xFFFF);
                setReg(in.reg, in.size);
            }
            case CMOVCC -> {
                readRm(in, in.size);
                mv.visitVarInsn(ISTORE, L_T);
                Label skip = new Label();
                condition(in.cc());
                mv.visitJumpInsn(IFEQ, skip);
                mv.visitVarInsn(ILOAD, L_T);
                setReg(in.reg, in.size);
                mv.visitLabel(skip);
            }
            case SETCC -> {
                condition(in.cc());
                writeRm(in, 1);
            }
            case ROL, ROR, RCL, RCR, SHL, SHR, SAR -> shift(in, op);
            case IMUL -> imul(in);
            case XCHG -> xchg(in);
            case CBW -> {
                if (in.op32) { reg(0, 2); mv.visitInsn(I2S); setReg(0, 4); }
                else { reg(0, 1); mv.visitInsn(I2B); setReg(0, 2); }
            }
            case CWD -> {
                if (in.op32) { reg(0, 4); iconst(31); mv.visitInsn(ISHR); setReg(2, 4); }
                else { reg(0, 2); mv.visitInsn(I2S); iconst(15); mv.visitInsn(ISHR); setReg(2, 2); }
            }
            case NOP, PAUSE -> { }
            case PUSH -> push(in);
            case POP -> pop(in);
            case JCC -> {
                Label notTaken = new Label(), done = new Label();
                condition(in.cc());
                mv.visitJumpInsn(IFEQ, notTaken);
                branchTo(in.target);
                mv.visitJumpInsn(GOTO, done);
                mv.visitLabel(notTaken);
                iconst(in.nextEip);
                mv.visitVarInsn(ISTORE, L_NEIP);
                mv.visitLabel(done);
            }
            case JMP -> {
                if (in.form.operand(0) == Operand.Ev) nearIndirectTarget(in);
                else branchTo(in.target);
            }
            case CALL -> call(in);
            case RET -> ret(in);
            case LOOP, LOOPE, LOOPNE -> loop(in, op);
            case JCXZ -> {
                Label notTaken = new Label(), done = new Label();
                reg(CpuState.ECX, in.addr32 ? 4 : 2);
                mv.visitJumpInsn(IFNE, notTaken);
                branchTo(in.target);
                mv.visitJumpInsn(GOTO, done);
                mv.visitLabel(notTaken);
                iconst(in.nextEip);
                mv.visitVarInsn(ISTORE, L_NEIP);
                mv.visitLabel(done);
            }
            default -> throw new IllegalStateException("no inline form for " + in.form);
        }
    }

    // ---------------------------------------------------------------- operands

    static int sizeOf(Instruction in, Operand o) {
        return switch (o) {
            case Eb, Gb, Ob, AL, Zb, CL -> 1;
            case Ew, Gw -> 2;
            case Ed, Gd -> 4;
            default -> in.op32 ? 4 : 2;
        };
    }

    private static boolean isMemory(Instruction in, Operand o) {
        return switch (o) {
            case Eb, Ew, Ed, Ev -> in.hasMemory;
            case Ob, Ov -> true;
            default -> false;
        };
    }

    /** Pushes operand {@code i}; memory through Memory (a fault there leaves every local as it was). */
    private void load(Instruction in, int i) {
        Operand o = in.form.operand(i);
        int size = sizeOf(in, o);
        switch (o) {
            case Eb, Ew, Ed, Ev -> readRm(in, size);
            case Gb, Gw, Gd, Gv -> reg(in.reg, size);
            case Ib, Iw, Iz, Ibs -> iconst(in.imm);
            case AL -> reg(0, 1);
            case eAX -> reg(0, in.op32 ? 4 : 2);
            case CL -> reg(CpuState.ECX, 1);
            case ONE -> iconst(1);
            case Zb -> reg(in.form.param, 1);
            case Zv -> reg(in.form.param, in.size);
            case Ob, Ov -> { moffs(in); memRead(in.seg, size); }
            default -> throw new IllegalStateException("operand " + o);
        }
    }

    /** Stores the value on the stack into operand {@code i}. */
    private void store(Instruction in, int i) {
        Operand o = in.form.operand(i);
        int size = sizeOf(in, o);
        switch (o) {
            case Eb, Ew, Ed, Ev -> writeRm(in, size);
            case Gb, Gw, Gd, Gv -> setReg(in.reg, size);
            case AL -> setReg(0, 1);
            case eAX -> setReg(0, in.op32 ? 4 : 2);
            case Zb -> setReg(in.form.param, 1);
            case Zv -> setReg(in.form.param, in.size);
            case Ob, Ov -> {
                mv.visitVarInsn(ISTORE, L_T);
                moffs(in);
                mv.visitVarInsn(ISTORE, L_EA);
                memWrite(in.seg, size, L_EA, L_T);
            }
            default -> throw new IllegalStateException("operand " + o);
        }
    }

    private void moffs(Instruction in) {
        iconst(in.addr32 ? in.disp : in.disp & 0xFFFF);
    }

    /** Pushes the r/m operand of {@code size} bytes. */
    private void readRm(Instruction in, int size) {
        if (!in.hasMemory) { reg(in.rm, size); return; }
        effectiveAddress(in);
        memRead(in.seg, size);
    }

    /** Stores the value on the stack into the r/m operand. */
    private void writeRm(Instruction in, int size) {
        if (!in.hasMemory) { setReg(in.rm, size); return; }
        mv.visitVarInsn(ISTORE, L_T);
        effectiveAddress(in);
        mv.visitVarInsn(ISTORE, L_EA);
        memWrite(in.seg, size, L_EA, L_T);
    }

    /** Pushes the memory operand's offset (wrapped to 16 bits with a 16-bit address size). */
    private void effectiveAddress(Instruction in) {
        iconst(in.disp);
        if (in.base >= 0) { mv.visitVarInsn(ILOAD, L_REG + in.base); mv.visitInsn(IADD); }
        if (in.index >= 0) {
            mv.visitVarInsn(ILOAD, L_REG + in.index);
            if (in.scale != 0) { iconst(in.scale); mv.visitInsn(ISHL); }
            mv.visitInsn(IADD);
        }
        if (!in.addr32) mask(0xFFFF);
    }

    /** Stack: offset -> value. */
    private void memRead(int seg, int size) {
        mv.visitVarInsn(ISTORE, L_EA);
        readAt(seg, size);
    }

    /** Pushes the value of {@code size} bytes at offset L_EA of {@code seg} (through {@link FastMemory}). */
    private void readAt(int seg, int size) {
        mv.visitVarInsn(ALOAD, BlockTranslator.tagsLocal(seg, false));
        mv.visitVarInsn(ALOAD, L_PAGES);
        mv.visitVarInsn(ILOAD, L_EA);
        mv.visitVarInsn(ALOAD, L_MEM);
        iconst(seg);
        mv.visitMethodInsn(INVOKESTATIC, FAST, "read" + size * 8, READ, false);
    }

    private void memWrite(int seg, int size, int offsetLocal, int valueLocal) {
        mv.visitVarInsn(ALOAD, BlockTranslator.tagsLocal(seg, true));
        mv.visitVarInsn(ALOAD, L_PAGES);
        mv.visitVarInsn(ILOAD, offsetLocal);
        mv.visitVarInsn(ILOAD, valueLocal);
        mv.visitVarInsn(ALOAD, L_MEM);
        iconst(seg);
        mv.visitMethodInsn(INVOKESTATIC, FAST, "write" + size * 8, WRITE, false);
    }

    private void checkWrite(int seg, int size) {
        mv.visitVarInsn(ALOAD, BlockTranslator.tagsLocal(seg, true));
        mv.visitVarInsn(ILOAD, L_EA);
        iconst(size);
        mv.visitVarInsn(ALOAD, L_MEM);
        iconst(seg);
        mv.visitMethodInsn(INVOKESTATIC, FAST, "checkWrite", "([IIIL" + MEM + ";I)V", false);
    }

    /** Pushes register {@code n} of {@code size} bytes (byte registers in ModRM order: AL CL DL BL AH CH DH BH). */
    private void reg(int n, int size) {
        switch (size) {
            case 4 -> mv.visitVarInsn(ILOAD, L_REG + n);
            case 2 -> { mv.visitVarInsn(ILOAD, L_REG + n); mask(0xFFFF); }
            default -> {
                if (n < 4) { mv.visitVarInsn(ILOAD, L_REG + n); mask(0xFF); }
                else { mv.visitVarInsn(ILOAD, L_REG + n - 4); iconst(8); mv.visitInsn(IUSHR); mask(0xFF); }
            }
        }
    }

    /** Stores the value on the stack into register {@code n} of {@code size} bytes, keeping the other bits. */
    private void setReg(int n, int size) {
        switch (size) {
            case 4 -> mv.visitVarInsn(ISTORE, L_REG + n);
            case 2 -> merge(n, 0xFFFF, 0);
            default -> { if (n < 4) merge(n, 0xFF, 0); else merge(n - 4, 0xFF00, 8); }
        }
    }

    private void merge(int local, int fieldMask, int shift) {
        if (shift != 0) { iconst(shift); mv.visitInsn(ISHL); }
        mask(fieldMask);
        mv.visitVarInsn(ILOAD, L_REG + local);
        mask(~fieldMask);
        mv.visitInsn(IOR);
        mv.visitVarInsn(ISTORE, L_REG + local);
    }

    private void mask(int m) {
        iconst(m);
        mv.visitInsn(IAND);
    }

    // ---------------------------------------------------------------- flags

    void loadFlags() {
        forgetFlags();
        for (String[] f : FLAG_FIELDS) {
            mv.visitVarInsn(ALOAD, L_S);
            mv.visitFieldInsn(GETFIELD, STATE, f[0], "I");
            mv.visitVarInsn(ISTORE, Integer.parseInt(f[1]));
        }
    }

    void spillFlags() {
        for (String[] f : FLAG_FIELDS) {
            mv.visitVarInsn(ALOAD, L_S);
            mv.visitVarInsn(ILOAD, Integer.parseInt(f[1]));
            mv.visitFieldInsn(PUTFIELD, STATE, f[0], "I");
        }
    }

    private static final String[][] FLAG_FIELDS = {
            {"lazyOp", String.valueOf(L_FOP)}, {"lazyResult", String.valueOf(L_FRES)},
            {"lazySrc1", String.valueOf(L_FS1)}, {"lazySrc2", String.valueOf(L_FS2)}};

    private void pushLazy() {
        mv.visitVarInsn(ILOAD, L_FOP);
        mv.visitVarInsn(ILOAD, L_FRES);
        mv.visitVarInsn(ILOAD, L_FS1);
        mv.visitVarInsn(ILOAD, L_FS2);
        mv.visitVarInsn(ALOAD, L_S);
        mv.visitFieldInsn(GETFIELD, STATE, "eflags", "I");
    }

    /** Pushes 1 if local {@code a} < local {@code b} as unsigned ints, else 0 (both flipped by the sign bit). */
    private void unsignedLess(int a, int b) {
        mv.visitVarInsn(ILOAD, a);
        iconst(Integer.MIN_VALUE);
        mv.visitInsn(IXOR);
        mv.visitVarInsn(ILOAD, b);
        iconst(Integer.MIN_VALUE);
        mv.visitInsn(IXOR);
        bool(IF_ICMPLT);
    }

    /** Pushes CF as 0 or 1 (inline when the producer earlier in this pass is known). */
    private void carry() {
        switch (knownOp) {
            case LOGIC -> { iconst(0); return; }
            case Flags.INC, Flags.DEC -> { mv.visitVarInsn(ILOAD, L_FS2); return; }
            case Flags.SUB -> { unsignedLess(L_FS1, L_FS2); return; }   // borrow: a < b unsigned
            case Flags.ADD -> { unsignedLess(L_FRES, L_FS1); return; }  // carry: r < a unsigned
            default -> { }
        }
        pushLazy();
        mv.visitMethodInsn(INVOKESTATIC, LAZY, "cf", "(IIIII)I", false);
    }

    /**
     * The flags producer earlier in this pass whose kind is known here (a Flags op, LOGIC for
     * AND/OR/XOR/TEST, or UNKNOWN): lets a condition compile to one int compare without relying on
     * HotSpot to fold {@link LazyFlags#condition}. Reset wherever the flags come from the state.
     */
    private int knownOp = UNKNOWN;
    private static final int UNKNOWN = -1, LOGIC = 100;

    /** Flags locals were (re)loaded from the state: nothing is known about them. */
    void forgetFlags() { knownOp = UNKNOWN; }

    /** Pushes condition {@code cc} as a boolean (0 or 1). */
    private void condition(int cc) {
        int test = (cc >> 1) & 7;
        boolean negate = (cc & 1) != 0;
        if (knownOp == Flags.SUB && test != 0 && test != 5) {
            boolean unsigned = test == 1 || test == 3;
            if (test == 4) {
                mv.visitVarInsn(ILOAD, L_FRES);
                bool(negate ? IFGE : IFLT);
                return;
            }
            mv.visitVarInsn(ILOAD, L_FS1);
            if (unsigned) { iconst(Integer.MIN_VALUE); mv.visitInsn(IXOR); }
            mv.visitVarInsn(ILOAD, L_FS2);
            if (unsigned) { iconst(Integer.MIN_VALUE); mv.visitInsn(IXOR); }
            int jump = switch (test) {
                case 1, 6 -> negate ? IF_ICMPGE : IF_ICMPLT;
                case 2 -> negate ? IF_ICMPNE : IF_ICMPEQ;
                default -> negate ? IF_ICMPGT : IF_ICMPLE; // 3, 7
            };
            bool(jump);
            return;
        }
        if (knownOp == LOGIC && test != 5) { // CF = OF = 0
            if (test <= 1) { iconst(negate ? 1 : 0); return; }
            mv.visitVarInsn(ILOAD, L_FRES);
            int jump = switch (test) {
                case 2, 3 -> negate ? IFNE : IFEQ;
                case 4, 6 -> negate ? IFGE : IFLT;
                default -> negate ? IFGT : IFLE; // 7
            };
            bool(jump);
            return;
        }
        if (knownOp != UNKNOWN && (test == 2 || test == 4)) { // ZF and SF follow from the result after any op
            mv.visitVarInsn(ILOAD, L_FRES);
            bool(test == 2 ? (negate ? IFNE : IFEQ) : (negate ? IFGE : IFLT));
            return;
        }
        pushLazy();
        iconst(cc);
        mv.visitMethodInsn(INVOKESTATIC, LAZY, "condition", "(IIIIII)Z", false);
    }

    /** Pushes 1 if {@code jump} (consuming its operands) would be taken, else 0. */
    private void bool(int jump) {
        Label yes = new Label(), end = new Label();
        mv.visitJumpInsn(jump, yes);
        iconst(0);
        mv.visitJumpInsn(GOTO, end);
        mv.visitLabel(yes);
        iconst(1);
        mv.visitLabel(end);
    }

    private void setLazy(int op, boolean withSources) {
        knownOp = op == Flags.RESULT && !withSources ? LOGIC : op;
        iconst(op);
        mv.visitVarInsn(ISTORE, L_FOP);
        mv.visitVarInsn(ILOAD, L_R);
        mv.visitVarInsn(ISTORE, L_FRES);
        if (withSources) {
            mv.visitVarInsn(ILOAD, L_A);
            mv.visitVarInsn(ISTORE, L_FS1);
            mv.visitVarInsn(ILOAD, L_B);
            mv.visitVarInsn(ISTORE, L_FS2);
        } else {
            iconst(0);
            mv.visitVarInsn(ISTORE, L_FS1);
        }
    }

    // ---------------------------------------------------------------- ALU

    private void signExtend(int local, int size) {
        if (size == 4) return;
        int sh = 32 - size * 8;
        mv.visitVarInsn(ILOAD, local);
        iconst(sh);
        mv.visitInsn(ISHL);
        iconst(sh);
        mv.visitInsn(ISHR);
        mv.visitVarInsn(ISTORE, local);
    }

    /**
     * L_A op L_B into L_R with the lazy flags of {@code Alu}: operands and result sign-extended
     * from {@code size}; the result is left in L_R (sign-extended; callers mask it).
     */
    private void aluCore(Op op, int size) {
        signExtend(L_A, size);
        signExtend(L_B, size);
        mv.visitVarInsn(ILOAD, L_A);
        mv.visitVarInsn(ILOAD, L_B);
        switch (op) {
            case ADD -> mv.visitInsn(IADD);
            case ADC -> { mv.visitInsn(IADD); carry(); mv.visitInsn(IADD); }
            case SUB, CMP -> mv.visitInsn(ISUB);
            case SBB -> { mv.visitInsn(ISUB); carry(); mv.visitInsn(ISUB); }
            case AND, TEST -> mv.visitInsn(IAND);
            case OR -> mv.visitInsn(IOR);
            default -> mv.visitInsn(IXOR);
        }
        mv.visitVarInsn(ISTORE, L_R);
        signExtend(L_R, size);
        switch (op) {
            case ADD -> setLazy(Flags.ADD, true);
            case ADC -> setLazy(Flags.ADC, true);
            case SUB, CMP -> setLazy(Flags.SUB, true);
            case SBB -> setLazy(Flags.SBB, true);
            default -> setLazy(Flags.RESULT, false);
        }
    }

    private void pushResult(int size) {
        mv.visitVarInsn(ILOAD, L_R);
        if (size != 4) mask(size == 1 ? 0xFF : 0xFFFF);
    }

    private void binary(Instruction in, Op op, boolean writeBack) {
        int size = in.size;
        if (writeBack && isMemory(in, in.form.operand(0))) { // read-modify-write: the write is checked first
            rmwAddress(in, size);
            load(in, 1);
            mv.visitVarInsn(ISTORE, L_B);
            rmwRead(in, size);
            mv.visitVarInsn(ISTORE, L_A);
            aluCore(op, size);
            rmwWriteResult(in, size);
            return;
        }
        load(in, 1);
        mv.visitVarInsn(ISTORE, L_B);
        load(in, 0);
        mv.visitVarInsn(ISTORE, L_A);
        aluCore(op, size);
        if (writeBack) { pushResult(size); store(in, 0); }
    }

    /** L_EA = the destination's offset, checked writable (segment and page) before anything is read. */
    private void rmwAddress(Instruction in, int size) {
        if (in.form.operand(0) == Operand.Ob || in.form.operand(0) == Operand.Ov) moffs(in);
        else effectiveAddress(in);
        mv.visitVarInsn(ISTORE, L_EA);
        checkWrite(in.seg, size);
    }

    private void rmwRead(Instruction in, int size) {
        readAt(in.seg, size);
    }

    private void rmwWriteResult(Instruction in, int size) {
        pushResult(size);
        mv.visitVarInsn(ISTORE, L_T);
        memWrite(in.seg, size, L_EA, L_T);
    }

    private void unary(Instruction in, Op op) {
        int size = in.size;
        boolean memory = isMemory(in, in.form.operand(0));
        if (memory) {
            rmwAddress(in, size);
            rmwRead(in, size);
        } else {
            load(in, 0);
        }
        switch (op) {
            case NOT -> {
                iconst(-1);
                mv.visitInsn(IXOR);
                mv.visitVarInsn(ISTORE, L_R);
            }
            case NEG -> {
                mv.visitVarInsn(ISTORE, L_B);
                iconst(0);
                mv.visitVarInsn(ISTORE, L_A);
                aluCore(Op.SUB, size);
            }
            default -> { // INC, DEC: CF is kept in lazySrc2
                mv.visitVarInsn(ISTORE, L_A);
                signExtend(L_A, size);
                carry();
                mv.visitVarInsn(ISTORE, L_B);
                mv.visitVarInsn(ILOAD, L_A);
                iconst(op == Op.INC ? 1 : -1);
                mv.visitInsn(IADD);
                mv.visitVarInsn(ISTORE, L_R);
                signExtend(L_R, size);
                setLazy(op == Op.INC ? Flags.INC : Flags.DEC, true);
            }
        }
        if (memory) rmwWriteResult(in, size);
        else { pushResult(size); store(in, 0); }
    }

    private void movExtend(Instruction in, Op op) {
        boolean fromByte = in.form.operand(1) == Operand.Eb;
        readRm(in, fromByte ? 1 : 2);
        if (op == Op.MOVSX) mv.visitInsn(fromByte ? I2B : I2S);
        setReg(in.reg, in.size);
    }

    /** Shifts and rotates through {@code Alu}, the flags spilled to the state around the call. */
    private void shift(Instruction in, Op op) {
        int size = in.size;
        boolean memory = in.hasMemory;
        load(in, 1);
        mv.visitVarInsn(ISTORE, L_B);
        if (memory) {
            rmwAddress(in, size);
            rmwRead(in, size);
        } else {
            load(in, 0);
        }
        mv.visitVarInsn(ISTORE, L_A);
        if (flagsDead && shiftAlone(op, size)) {
            shiftResult(op, size);
        } else {
            shiftThroughAlu(op, size);
        }
        if (memory) { mv.visitVarInsn(ILOAD, L_R); mv.visitVarInsn(ISTORE, L_T); memWrite(in.seg, size, L_EA, L_T); }
        else { mv.visitVarInsn(ILOAD, L_R); store(in, 0); }
    }

    /** Shifts whose result alone is simple bytecode: rotates only at 32 bits (narrower ones rotate modulo their width). */
    private static boolean shiftAlone(Op op, int size) {
        return switch (op) {
            case SHL, SHR, SAR -> true;
            case ROL, ROR -> size == 4;
            default -> false;
        };
    }

    /** L_R = L_A shifted by L_B (masked to 5 bits, as the processor does), without flags. */
    private void shiftResult(Op op, int size) {
        mv.visitVarInsn(ILOAD, L_A);
        if (op == Op.SHR && size < 4) mask(size == 1 ? 0xFF : 0xFFFF);
        if (op == Op.SAR && size < 4) mv.visitInsn(size == 1 ? I2B : I2S);
        mv.visitVarInsn(ILOAD, L_B);
        iconst(31);
        mv.visitInsn(IAND);
        switch (op) {
            case SHL -> mv.visitInsn(ISHL);
            case SHR -> mv.visitInsn(IUSHR);
            case SAR -> mv.visitInsn(ISHR);
            case ROL -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "rotateLeft", "(II)I", false);
            default -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "rotateRight", "(II)I", false);
        }
        if (size < 4) mask(size == 1 ? 0xFF : 0xFFFF);
        mv.visitVarInsn(ISTORE, L_R);
    }

    private void shiftThroughAlu(Op op, int size) {
        spillFlags();
        mv.visitVarInsn(ALOAD, L_S);
        mv.visitVarInsn(ILOAD, L_A);
        mv.visitVarInsn(ILOAD, L_B);
        iconst(size);
        String name = switch (op) {
            case ROL -> "rol"; case ROR -> "ror"; case RCL -> "rcl"; case RCR -> "rcr";
            case SHL -> "shl"; case SHR -> "shr"; default -> "sar";
        };
        mv.visitMethodInsn(INVOKESTATIC, ALU, name, "(L" + STATE + ";III)I", false);
        mv.visitVarInsn(ISTORE, L_R);
        loadFlags();
    }

    private void imul(Instruction in) {
        int size = in.size;
        if (in.form.operandCount() == 3) {
            readRm(in, size);
            mv.visitVarInsn(ISTORE, L_A);
            iconst(in.imm);
            mv.visitVarInsn(ISTORE, L_B);
        } else {
            readRm(in, size);
            mv.visitVarInsn(ISTORE, L_B);
            reg(in.reg, size);
            mv.visitVarInsn(ISTORE, L_A);
        }
        if (flagsDead) { // the low bits of the product are the same signed or unsigned
            mv.visitVarInsn(ILOAD, L_A);
            mv.visitVarInsn(ILOAD, L_B);
            mv.visitInsn(IMUL);
            setReg(in.reg, size);
            return;
        }
        spillFlags();
        mv.visitVarInsn(ALOAD, L_S);
        mv.visitVarInsn(ILOAD, L_A);
        mv.visitVarInsn(ILOAD, L_B);
        iconst(size);
        mv.visitMethodInsn(INVOKESTATIC, ALU, "imul", "(L" + STATE + ";III)I", false);
        mv.visitVarInsn(ISTORE, L_R);
        loadFlags();
        mv.visitVarInsn(ILOAD, L_R);
        setReg(in.reg, size);
    }

    private void xchg(Instruction in) {
        int size = in.size;
        if (in.form.operand(0) == Operand.Zv) {
            int n = in.form.param;
            reg(n, size);
            mv.visitVarInsn(ISTORE, L_T);
            reg(0, size);
            setReg(n, size);
            mv.visitVarInsn(ILOAD, L_T);
            setReg(0, size);
            return;
        }
        reg(in.reg, size);
        mv.visitVarInsn(ISTORE, L_B);
        if (in.hasMemory) {
            rmwAddress(in, size);
            rmwRead(in, size);
            mv.visitVarInsn(ISTORE, L_A);
            memWrite(in.seg, size, L_EA, L_B);
            mv.visitVarInsn(ILOAD, L_A);
            setReg(in.reg, size);
        } else {
            reg(in.rm, size);
            mv.visitVarInsn(ISTORE, L_A);
            mv.visitVarInsn(ILOAD, L_B);
            setReg(in.rm, size);
            mv.visitVarInsn(ILOAD, L_A);
            setReg(in.reg, size);
        }
    }

    // ---------------------------------------------------------------- stack and branches

    private void push(Instruction in) {
        switch (in.form.operand(0)) {
            case Zv -> reg(in.form.param, in.size);
            case Ev -> readRm(in, in.size);
            default -> iconst(in.imm);
        }
        mv.visitVarInsn(ISTORE, L_T);
        pushLocal(L_T, in.size);
    }

    /** ESP -= size, local {@code value} stored there; ESP changes only if the write lands. */
    private void pushLocal(int value, int size) {
        mv.visitVarInsn(ALOAD, BlockTranslator.tagsLocal(io.denalij.cpu.Segment.SS, true));
        mv.visitVarInsn(ALOAD, L_PAGES);
        mv.visitVarInsn(ILOAD, L_REG + CpuState.ESP);
        mv.visitVarInsn(ILOAD, value);
        mv.visitVarInsn(ALOAD, L_CTX);
        mv.visitMethodInsn(INVOKESTATIC, FAST, "push" + size * 8, "([I[[BIIL" + CTX + ";)I", false);
        mv.visitVarInsn(ISTORE, L_REG + CpuState.ESP);
    }

    private void pop(Instruction in) {
        peek(0, in.size);
        mv.visitVarInsn(ISTORE, L_T);
        adjustEsp(in.size);
        mv.visitVarInsn(ILOAD, L_T);
        setReg(in.form.param, in.size);
    }

    private void peek(int delta, int size) {
        mv.visitVarInsn(ALOAD, BlockTranslator.tagsLocal(io.denalij.cpu.Segment.SS, false));
        mv.visitVarInsn(ALOAD, L_PAGES);
        mv.visitVarInsn(ILOAD, L_REG + CpuState.ESP);
        iconst(delta);
        mv.visitVarInsn(ALOAD, L_CTX);
        mv.visitMethodInsn(INVOKESTATIC, FAST, "peek" + size * 8, "([I[[BIIL" + CTX + ";)I", false);
    }

    /** ESP += delta: a plain add on a 32-bit stack ({@code L_STACK32}), SP alone through the context otherwise. */
    private void adjustEsp(int delta) {
        Label small = new Label(), done = new Label();
        mv.visitVarInsn(ILOAD, L_STACK32);
        mv.visitJumpInsn(IFEQ, small);
        mv.visitVarInsn(ILOAD, L_REG + CpuState.ESP);
        iconst(delta);
        mv.visitInsn(IADD);
        mv.visitVarInsn(ISTORE, L_REG + CpuState.ESP);
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(small);
        mv.visitVarInsn(ALOAD, L_CTX);
        mv.visitVarInsn(ILOAD, L_REG + CpuState.ESP);
        iconst(delta);
        mv.visitMethodInsn(INVOKEVIRTUAL, CTX, "adjust", "(II)I", false);
        mv.visitVarInsn(ISTORE, L_REG + CpuState.ESP);
        mv.visitLabel(done);
    }

    /** L_NEIP = target, after the CS limit check. */
    private void branchTo(int target) {
        mv.visitVarInsn(ALOAD, L_CTX);
        iconst(target);
        mv.visitMethodInsn(INVOKEVIRTUAL, CTX, "branchTarget", "(I)I", false);
        mv.visitVarInsn(ISTORE, L_NEIP);
    }

    /** NEIP = the r/m operand (JMP/CALL through a register or memory), checked against the CS limit. */
    private void nearIndirectTarget(Instruction in) {
        mv.visitVarInsn(ALOAD, L_CTX);
        readRm(in, in.size);
        if (!in.op32) mask(0xFFFF);
        mv.visitMethodInsn(INVOKEVIRTUAL, CTX, "branchTarget", "(I)I", false);
        mv.visitVarInsn(ISTORE, L_NEIP);
    }

    /** As the interpreter: the target is read and checked first, then the return address pushed (ESP changes only if it lands). */
    private void call(Instruction in) {
        if (in.form.operand(0) == Operand.Ev) nearIndirectTarget(in);
        else branchTo(in.target);
        iconst(in.nextEip);
        mv.visitVarInsn(ISTORE, L_T);
        pushLocal(L_T, in.size);
    }

    private void ret(Instruction in) {
        mv.visitVarInsn(ALOAD, L_CTX);
        peek(0, in.size);
        if (!in.op32) mask(0xFFFF);
        mv.visitMethodInsn(INVOKEVIRTUAL, CTX, "branchTarget", "(I)I", false);
        mv.visitVarInsn(ISTORE, L_NEIP);
        adjustEsp(in.size + (in.form.operandCount() > 0 ? in.imm & 0xFFFF : 0));
    }

    private void loop(Instruction in, Op op) {
        int width = in.addr32 ? 4 : 2;
        reg(CpuState.ECX, width);
        iconst(1);
        mv.visitInsn(ISUB);
        mv.visitVarInsn(ISTORE, L_T);
        Label notTaken = new Label(), done = new Label();
        mv.visitVarInsn(ILOAD, L_T);
        if (width == 2) mask(0xFFFF);
        mv.visitJumpInsn(IFEQ, notTaken);
        if (op != Op.LOOP) {
            mv.visitVarInsn(ILOAD, L_FOP);
            mv.visitVarInsn(ILOAD, L_FRES);
            mv.visitVarInsn(ALOAD, L_S);
            mv.visitFieldInsn(GETFIELD, STATE, "eflags", "I");
            mv.visitMethodInsn(INVOKESTATIC, LAZY, "zf", "(III)Z", false);
            mv.visitJumpInsn(op == Op.LOOPE ? IFEQ : IFNE, notTaken);
        }
        branchTo(in.target);
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(notTaken);
        iconst(in.nextEip);
        mv.visitVarInsn(ISTORE, L_NEIP);
        mv.visitLabel(done);
        mv.visitVarInsn(ILOAD, L_T);
        setReg(CpuState.ECX, width);
    }

    // ---------------------------------------------------------------- constants

    void iconst(int v) {
        if (v >= -1 && v <= 5) mv.visitInsn(ICONST_0 + v);
        else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) mv.visitIntInsn(BIPUSH, v);
        else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) mv.visitIntInsn(SIPUSH, v);
        else mv.visitLdcInsn(v);
    }

    void lconst(long v) {
        if (v == 0) mv.visitInsn(LCONST_0);
        else if (v == 1) mv.visitInsn(LCONST_1);
        else mv.visitLdcInsn(v);
    }
}
