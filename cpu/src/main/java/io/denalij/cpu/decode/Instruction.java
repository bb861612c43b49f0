package io.denalij.cpu.decode;

import java.util.Arrays;

/**
 * One decoded instruction at one address: the form plus everything the bytes said (prefixes,
 * sizes, ModRM fields, memory operand, immediates). Immutable; the interpreter caches these.
 */
public final class Instruction {
    public static final int PREFIX_LOCK = 1, PREFIX_REP = 2, PREFIX_REPNE = 4, PREFIX_OPSIZE = 8, PREFIX_ADSIZE = 16;
    /** No segment override. */
    public static final int NO_SEG = -1;
    /** No base or index register. */
    public static final int NO_REG = -1;

    public final Form form;
    public final Op op;
    /** Offset of the first byte in CS, the length, and the offset of the next instruction (wrapped to 16 bits in 16-bit code). */
    public final int eip, length, nextEip;
    public final boolean code32;
    /** PREFIX_* bits. */
    public final int prefixes;
    public final int segOverride;
    public final boolean op32, addr32;
    /** Operand size in bytes: 1 for byte forms, else 2 or 4. */
    public final int size;
    /** The ModRM byte or -1; its fields (0 when absent). */
    public final int modrm, mod, reg, rm;
    /** True when the instruction has a memory operand (ModRM with mod != 3, or moffs). */
    public final boolean hasMemory;
    /** Segment of the memory operand: the override, or DS / SS by the base register. */
    public final int seg;
    public final int base, index, scale, disp;
    /** First and second immediate (sign- or zero-extended as the operand spec says). */
    public final int imm, imm2;
    /** Branch target offset for relative jumps and calls (wrapped to 16 bits with a 16-bit operand size). */
    public final int target;
    private final byte[] bytes;

    /** Operand shapes the interpreter has fast paths for. */
    public static final int SHAPE_OTHER = 0, SHAPE_REG_REG = 1, SHAPE_REG_IMM = 2, SHAPE_REG = 3;
    /** One of SHAPE_*: whether the first operand (and second) are plain registers or an immediate. */
    public final int shape;
    /** For the register shapes: the destination (first operand) and source registers, else -1. */
    public final int dstReg, srcReg;
    /** False when the instruction certainly writes no memory (so it cannot modify code). */
    public final boolean mayWriteMemory;

    Instruction(Form form, int eip, int length, boolean code32, int prefixes, int segOverride, boolean op32,
                boolean addr32, int modrm, boolean hasMemory, int seg, int base, int index, int scale, int disp,
                int imm, int imm2, int target, byte[] bytes) {
        this.form = form;
        this.op = form.op;
        this.eip = eip;
        this.length = length;
        this.nextEip = code32 ? eip + length : (eip + length) & 0xFFFF;
        this.code32 = code32;
        this.prefixes = prefixes;
        this.segOverride = segOverride;
        this.op32 = op32;
        this.addr32 = addr32;
        this.size = form.has(Form.BYTE_OP) ? 1 : op32 ? 4 : 2;
        this.modrm = modrm;
        this.mod = modrm < 0 ? 0 : modrm >> 6;
        this.reg = modrm < 0 ? 0 : (modrm >> 3) & 7;
        this.rm = modrm < 0 ? 0 : modrm & 7;
        this.hasMemory = hasMemory;
        this.seg = seg;
        this.base = base;
        this.index = index;
        this.scale = scale;
        this.disp = disp;
        this.imm = imm;
        this.imm2 = imm2;
        this.target = target;
        this.bytes = bytes;
        int d = registerOf(0), src = registerOf(1);
        int n = form.operandCount();
        if (n == 2 && d >= 0 && src >= 0) { shape = SHAPE_REG_REG; }
        else if (n == 2 && d >= 0 && isImmediate(form.operand(1))) { shape = SHAPE_REG_IMM; }
        else if (n == 1 && d >= 0) { shape = SHAPE_REG; }
        else { shape = SHAPE_OTHER; }
        this.dstReg = shape == SHAPE_OTHER ? -1 : d;
        this.srcReg = shape == SHAPE_REG_REG ? src : -1;
        this.mayWriteMemory = writesFirstOperand(form, hasMemory) || switch (op) {
            case PUSH, PUSH_SREG, PUSHA, PUSHF, CALL, CALL_FAR, CALL_FAR_INDIRECT, ENTER, MOVS, STOS, INS,
                 INT, INT3, INTO, BOUND, ESC -> true;
            default -> false;
        };
    }

    /**
     * True when the first operand is memory that the instruction may write: an r/m operand in
     * memory (or a moffs) that is a destination. A memory source (MOV r, [m]; ADD r, [m]; IMUL
     * r, [m], imm) and the first operand of the instructions that only read it do not count, so a
     * load never makes the code caches check for self-modifying code.
     */
    private static boolean writesFirstOperand(Form form, boolean hasMemory) {
        if (form.operandCount() == 0) return false;
        Operand first = form.operand(0);
        if (first == Operand.Ob || first == Operand.Ov) return true; // MOV moffs, AL/eAX
        if (!hasMemory || !first.isRm()) return false;
        return switch (form.op) {
            case LEA, CMP, TEST, BT, JMP, JMP_FAR_INDIRECT, NOP, MUL, IMUL1, DIV, IDIV, LGDT, LIDT, LLDT, LMSW, LTR,
                 VERR, VERW, INVLPG -> false;
            default -> true;
        };
    }

    private static boolean isImmediate(Operand o) {
        return o == Operand.Ib || o == Operand.Iz || o == Operand.Ibs || o == Operand.Iw;
    }

    /** The general register operand {@code i} names (r/m with mod 3, reg field, opcode register, fixed AL/eAX), or -1. */
    private int registerOf(int i) {
        if (i >= form.operandCount()) return -1;
        return switch (form.operand(i)) {
            case Eb, Ew, Ed, Ev -> modrm >= 0 && (modrm >> 6) == 3 ? modrm & 7 : -1;
            case Gb, Gw, Gd, Gv -> (modrm >> 3) & 7;
            case Zb, Zv -> form.param;
            case AL, eAX -> 0;
            default -> -1;
        };
    }

    public boolean has(int prefix) { return (prefixes & prefix) != 0; }

    public boolean lock() { return (prefixes & PREFIX_LOCK) != 0; }

    /** True when a REP/REPE (F3) or REPNE (F2) prefix is present. */
    public boolean rep() { return (prefixes & (PREFIX_REP | PREFIX_REPNE)) != 0; }

    /** The condition code of Jcc/SETcc/CMOVcc. */
    public int cc() { return form.param; }

    /** True when the r/m operand is a register. */
    public boolean rmIsRegister() { return modrm >= 0 && mod == 3; }

    public byte[] bytes() { return bytes.clone(); }

    public int byteAt(int i) { return bytes[i] & 0xFF; }

    public String hexBytes() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) b.append(i == 0 ? "" : " ").append(String.format("%02x", bytes[i] & 0xFF));
        return b.toString();
    }

    @Override public String toString() { return Disassembler.format(this); }

    @Override public boolean equals(Object o) {
        return o instanceof Instruction i && i.eip == eip && i.code32 == code32 && Arrays.equals(i.bytes, bytes);
    }

    @Override public int hashCode() { return eip * 31 + Arrays.hashCode(bytes); }
}
