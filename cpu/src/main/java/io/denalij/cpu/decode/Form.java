package io.denalij.cpu.decode;

import java.util.List;

/**
 * One instruction form of the opcode map: an opcode (with its ModRM reg digit or exact ModRM byte
 * where the map needs one), the operation, the operands, and the facts the decoder, disassembler
 * and interpreter need about it. Declared only in {@link OpcodeTable}.
 */
public final class Form {
    // attribute bits
    /** LOCK prefix allowed (with a memory destination). */
    public static final int LOCKABLE = 1;
    /** Needs CPL 0. */
    public static final int PRIVILEGED = 1 << 1;
    /** Needs CPL <= IOPL (or goes through the I/O permission bitmap). */
    public static final int IOPL_SENSITIVE = 1 << 2;
    /** Changes EIP other than by falling through. */
    public static final int BRANCH = 1 << 3;
    /** Ends a decoded block: control transfer, or a change of mode, flags IF, or I/O that devices must see now. */
    public static final int BLOCK_END = 1 << 4;
    /** x87 escape (D8-DF). */
    public static final int X87 = 1 << 5;
    /** #UD in real mode and virtual-8086 mode. */
    public static final int PROTECTED_ONLY = 1 << 6;
    /** String instruction: takes REP prefixes. */
    public static final int STRING = 1 << 7;
    /** String instruction whose REP prefix is REPE/REPNE (stops on ZF). */
    public static final int REP_CONDITIONAL = 1 << 8;
    /** Operand size is one byte whatever the prefixes. */
    public static final int BYTE_OP = 1 << 9;
    /** Reads memory. */
    public static final int READS_MEMORY = 1 << 10;
    /** Writes memory. */
    public static final int WRITES_MEMORY = 1 << 11;
    /** Conditional: the condition code is the low nibble of the opcode. */
    public static final int CONDITIONAL = 1 << 12;

    /** Opcode: 0x00-0xFF for the one-byte map, 0x100-0x1FF for 0F xx. */
    public final int opcode;
    /** ModRM reg digit for group opcodes, or -1. */
    public final int digit;
    /** The exact ModRM byte (register forms of x87 and the like), or -1. */
    public final int exactModrm;
    /** 0: any mod, 1: memory only (mod != 3), 2: register only (mod == 3). */
    public final int modFilter;
    public final String mnemonic;
    /** Mnemonic with a 32-bit operand size where it differs (cwde, pushad), else the same as {@link #mnemonic}. */
    public final String mnemonic32;
    public final Op op;
    public final List<Operand> operands;
    private final Operand[] operandArray;
    public final int attrs;
    public final int flagsRead, flagsWritten, flagsUndefined;
    /** Memory operand size in bytes for x87 and other fixed-size memory forms (0 when it follows the operand size). */
    public final int memSize;
    /** A form-specific number: the segment register of PUSH/POP sreg and LDS..LGS, the condition code. */
    public final int param;
    public final boolean hasModrm;

    Form(int opcode, int digit, int exactModrm, int modFilter, String mnemonic, String mnemonic32, Op op,
         Operand[] operands, int attrs, int flagsRead, int flagsWritten, int flagsUndefined, int memSize, int param) {
        this.opcode = opcode;
        this.digit = digit;
        this.exactModrm = exactModrm;
        this.modFilter = modFilter;
        this.mnemonic = mnemonic;
        this.mnemonic32 = mnemonic32 == null ? mnemonic : mnemonic32;
        this.op = op;
        this.operandArray = operands.clone();
        this.operands = List.of(operands);
        this.attrs = attrs;
        this.flagsRead = flagsRead;
        this.flagsWritten = flagsWritten;
        this.flagsUndefined = flagsUndefined;
        this.memSize = memSize;
        this.param = param;
        boolean m = digit >= 0 || exactModrm >= 0;
        for (Operand o : operands) m |= o.usesModrm();
        this.hasModrm = m;
    }

    public boolean has(int attr) { return (attrs & attr) != 0; }

    public int operandCount() { return operandArray.length; }

    public Operand operand(int i) { return operandArray[i]; }

    public String mnemonic(boolean op32) { return op32 ? mnemonic32 : mnemonic; }

    @Override public String toString() {
        StringBuilder b = new StringBuilder();
        b.append(opcode >= 0x100 ? String.format("0F %02X", opcode & 0xFF) : String.format("%02X", opcode));
        if (digit >= 0) b.append(" /").append(digit);
        if (exactModrm >= 0) b.append(String.format(" %02X", exactModrm));
        b.append(' ').append(mnemonic).append(' ').append(operands);
        return b.toString();
    }
}
