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
