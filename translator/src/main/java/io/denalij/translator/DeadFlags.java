package io.denalij.translator;

import io.denalij.cpu.decode.Instruction;
import io.denalij.cpu.decode.Op;
import io.denalij.cpu.decode.Operand;

/**
 * Finds the instructions of a block whose flags nothing can observe: a later instruction of the
 * same block sets all six arithmetic flags before any instruction reads them, and nothing in
 * between can fault, leave the translation or go to the interpreter (any of which would show
 * the flags in the state). Compilers leave many of these: {@code imul} and shifts in address and
 * hash arithmetic followed by an {@code add} or {@code cmp}. Their flags are what makes those
 * instructions expensive to translate, so the emitter drops them (see
 * {@link InstructionEmitter#instruction(Instruction, Op, boolean, boolean)}).
 */
final class DeadFlags {
    private DeadFlags() { }

    /** For each of {@code code[from..to)}: true when its flags are dead in the sense above. */
    static boolean[] of(Instruction[] code, Op[] ops, int from, int to, InstructionEmitter probe) {
        boolean[] dead = new boolean[to - from];
        for (int k = from; k < to - 1; k++) {
            for (int j = k + 1; j < to; j++) {
                if (!probe.canInline(code[j], ops[j]) || touchesMemory(code[j])) break;
                if (setsAllFlags(ops[j])) { dead[k - from] = true; break; }
                if (!neutral(ops[j])) break;
            }
        }
        return dead;
    }

    /** Register forms of these write CF OF SF ZF AF PF from their operands alone. */
    private static boolean setsAllFlags(Op op) {
        return switch (op) {
            case ADD, SUB, AND, OR, XOR, CMP, TEST -> true;
            default -> false;
        };
    }

    /** Neither reads nor writes flags, and in register form cannot fault. */
    private static boolean neutral(Op op) {
        return switch (op) {
            case MOV, LEA, MOVZX, MOVSX, NOP, XCHG, CBW, CWD -> true;
            default -> false;
        };
    }

    private static boolean touchesMemory(Instruction in) {
        if (in.hasMemory && in.form.op != Op.LEA) return true;
        for (int i = 0; i < in.form.operandCount(); i++) {
            Operand o = in.form.operand(i);
            if (o == Operand.Ob || o == Operand.Ov) return true;
        }
        return false;
    }
}
