package io.denalij.cpu.exec;

import io.denalij.cpu.decode.Instruction;
import io.denalij.cpu.decode.Op;
import io.denalij.cpu.decode.Operand;

/**
 * The handler each decoded instruction runs through, chosen once when its block is decoded.
 *
 * <p>The common 32-bit forms (register and immediate ALU operations, loads and stores with a
 * 32-bit address, near branches, push/pop of a register) get their own handler id, so that the
 * {@link Executor}'s block loop reaches the work with one {@code tableswitch} on an int and no
 * re-examination of operand kinds, sizes or shapes. Everything else is {@link #SLOW}: the reference
 * {@link Interpreter#execute}, which every fast handler must match bit for bit (flags included).
 *
 * <p>Naming: {@code R} a 32-bit register, {@code I} an immediate, {@code M} a memory operand with a
 * 32-bit address, in operand order (destination first); {@code 8}/{@code 16} mark byte/word memory.
 */
final class Dispatch {
    private Dispatch() {}

    /** The reference interpreter. */
    static final int SLOW = 0;

    // binary ALU operations, in the order of {@link #ALU_OPS}; CMP and TEST write no register
    static final int ADD_RR = 1, OR_RR = 2, ADC_RR = 3, SBB_RR = 4, AND_RR = 5, SUB_RR = 6, XOR_RR = 7, CMP_RR = 8, TEST_RR = 9;
    static final int ADD_RI = 10, OR_RI = 11, ADC_RI = 12, SBB_RI = 13, AND_RI = 14, SUB_RI = 15, XOR_RI = 16, CMP_RI = 17, TEST_RI = 18;
    static final int ADD_RM = 19, OR_RM = 20, ADC_RM = 21, SBB_RM = 22, AND_RM = 23, SUB_RM = 24, XOR_RM = 25, CMP_RM = 26, TEST_RM = 27;
    /** CMP/TEST with a memory first operand: nothing is written, so no read-modify-write care is needed. */
    static final int CMP_MR = 28, CMP_MI = 29, TEST_MR = 30, TEST_MI = 31;

    static final int INC_R = 32, DEC_R = 33;
    static final int SHL_RI = 34, SHR_RI = 35, SAR_RI = 36, ROL_RI = 37, ROR_RI = 38;
    static final int IMUL_RR = 39, IMUL_RM = 40;

    static final int MOV_RR = 41, MOV_RI = 42, MOV_RM = 43, MOV_MR = 44, MOV_MI = 45;
    static final int MOV_R8M = 46, MOV_M8R = 47, MOV_M8I = 48;
    static final int MOVZX_RR8 = 49, MOVZX_RM8 = 50, MOVZX_RM16 = 51, MOVSX_RM8 = 52, MOVSX_RM16 = 53;
    static final int LEA = 54;
    static final int PUSH_R = 55, POP_R = 56;

    static final int NOP = 57;
    static final int MOVZX_RR16 = 58, MOVSX_RR8 = 59, MOVSX_RR16 = 60;
    static final int CMOV_RR = 61, CMOV_RM = 62, SETCC_R8 = 63;
    /** Byte operations on registers (ModRM byte-register numbering: AL CL DL BL AH CH DH BH), same op order. */
    static final int ADD_RR8 = 64, OR_RR8 = 65, ADC_RR8 = 66, SBB_RR8 = 67, AND_RR8 = 68, SUB_RR8 = 69, XOR_RR8 = 70, CMP_RR8 = 71, TEST_RR8 = 72;
    static final int ADD_RI8 = 73, OR_RI8 = 74, ADC_RI8 = 75, SBB_RI8 = 76, AND_RI8 = 77, SUB_RI8 = 78, XOR_RI8 = 79, CMP_RI8 = 80, TEST_RI8 = 81;
    static final int CMP_M8I = 82, CMP_M8R = 83, TEST_M8I = 84;
    /** Read-modify-write of a 32-bit memory destination (the write is checked before anything changes). */
    static final int ADD_MR = 85, OR_MR = 86, ADC_MR = 87, SBB_MR = 88, AND_MR = 89, SUB_MR = 90, XOR_MR = 91;
    static final int ADD_MI = 92, OR_MI = 93, ADC_MI = 94, SBB_MI = 95, AND_MI = 96, SUB_MI = 97, XOR_MI = 98;

    // control transfer: these set EIP themselves
    static final int JCC = 99, JMP = 100, CALL = 101, RET = 102;

    private static final Op[] ALU_OPS = {Op.ADD, Op.OR, Op.ADC, Op.SBB, Op.AND, Op.SUB, Op.XOR, Op.CMP, Op.TEST};

    /** True when the handler leaves EIP at the next instruction or a branch target itself. */
    static boolean setsEip(int kind) {
        return kind == SLOW || kind >= JCC && kind <= RET;
    }

    /** The handler for {@code in} executing as {@code op} (INVALID for a misused LOCK prefix). */
    static int of(Instruction in, Op op) {
        switch (op) {
            case JCC: return JCC;
            case JMP: return in.form.operand(0) == Operand.Ev ? SLOW : JMP;
            case CALL: return in.form.operand(0) == Operand.Jz ? CALL : SLOW;
            case RET: return in.form.operandCount() == 0 ? RET : SLOW;
            case NOP: return NOP;
            default: break;
        }
        if (in.size != 4) return in.size == 1 ? byteForm(in, op) : SLOW;
        return switch (in.shape) {
            case Instruction.SHAPE_REG_REG -> registerForm(in, op);
            case Instruction.SHAPE_REG_IMM -> immediateForm(in, op);
            case Instruction.SHAPE_REG -> op == Op.INC ? INC_R : op == Op.DEC ? DEC_R
                    : op == Op.PUSH && in.form.operand(0) == Operand.Zv ? PUSH_R
                    : op == Op.POP && in.form.operand(0) == Operand.Zv ? POP_R : SLOW;
            default -> in.hasMemory && in.addr32 ? memoryForm(in, op) : SLOW;
        };
    }

    private static int alu(Op op) {
        for (int i = 0; i < ALU_OPS.length; i++) if (ALU_OPS[i] == op) return i;
        return -1;
    }

    private static int registerForm(Instruction in, Op op) {
        int a = alu(op);
        if (a >= 0) return ADD_RR + a;
        boolean byteSource = in.form.operand(1) == Operand.Eb;
        return switch (op) {
            case MOV -> MOV_RR;
            case IMUL -> IMUL_RR;
            case MOVZX -> byteSource ? MOVZX_RR8 : MOVZX_RR16;
            case MOVSX -> byteSource ? MOVSX_RR8 : MOVSX_RR16;
            case CMOVCC -> CMOV_RR;
            default -> SLOW;
        };
    }

    private static int immediateForm(Instruction in, Op op) {
        int a = alu(op);
        if (a >= 0) return ADD_RI + a;
        if (op == Op.MOV) return MOV_RI;
        if (in.form.operand(1) != Operand.Ib) return SLOW;
        return switch (op) {
            case SHL -> SHL_RI;
            case SHR -> SHR_RI;
            case SAR -> SAR_RI;
            case ROL -> ROL_RI;
            case ROR -> ROR_RI;
            default -> SLOW;
        };
    }

    private static int memoryForm(Instruction in, Op op) {
        if (op == Op.LEA) return LEA;
        if (in.form.operandCount() != 2) return SLOW;
        Operand o0 = in.form.operand(0), o1 = in.form.operand(1);
        boolean imm = o1 == Operand.Iz || o1 == Operand.Ibs;
        if (o0 == Operand.Gv && o1 == Operand.Ev) {
            int a = alu(op);
            if (a >= 0) return ADD_RM + a;
            return switch (op) {
                case MOV -> MOV_RM;
                case IMUL -> IMUL_RM;
                case CMOVCC -> CMOV_RM;
                default -> SLOW;
            };
        }
        if (o0 == Operand.Gv && op == Op.MOVZX) return o1 == Operand.Eb ? MOVZX_RM8 : MOVZX_RM16;
        if (o0 == Operand.Gv && op == Op.MOVSX) return o1 == Operand.Eb ? MOVSX_RM8 : MOVSX_RM16;
        if (o0 != Operand.Ev || !(o1 == Operand.Gv || imm)) return SLOW;
        int a = alu(op);
        if (op == Op.MOV) return o1 == Operand.Gv ? MOV_MR : MOV_MI;
        if (a < 0) return SLOW;
        if (op == Op.CMP) return o1 == Operand.Gv ? CMP_MR : CMP_MI;
        if (op == Op.TEST) return o1 == Operand.Gv ? TEST_MR : TEST_MI;
        return (o1 == Operand.Gv ? ADD_MR : ADD_MI) + a;
    }

    private static int byteForm(Instruction in, Op op) {
        if (op == Op.SETCC) return in.hasMemory ? SLOW : SETCC_R8;
        int a = alu(op);
        if (in.shape == Instruction.SHAPE_REG_REG) return a >= 0 ? ADD_RR8 + a : SLOW;
        if (in.shape == Instruction.SHAPE_REG_IMM) return a >= 0 ? ADD_RI8 + a : SLOW;
        if (!in.hasMemory || !in.addr32 || in.form.operandCount() != 2) return SLOW;
        Operand o0 = in.form.operand(0), o1 = in.form.operand(1);
        return switch (op) {
            case MOV -> o0 == Operand.Gb && o1 == Operand.Eb ? MOV_R8M
                    : o0 == Operand.Eb && o1 == Operand.Gb ? MOV_M8R
                    : o0 == Operand.Eb && o1 == Operand.Ib ? MOV_M8I : SLOW;
            case CMP -> o0 == Operand.Eb && o1 == Operand.Ib ? CMP_M8I : o0 == Operand.Eb && o1 == Operand.Gb ? CMP_M8R : SLOW;
            case TEST -> o0 == Operand.Eb && o1 == Operand.Ib ? TEST_M8I : SLOW;
            default -> SLOW;
        };
    }
}
