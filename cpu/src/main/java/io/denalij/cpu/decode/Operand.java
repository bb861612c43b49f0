package io.denalij.cpu.decode;

/**
 * Operand specifications in the notation of the SDM's opcode map (Appendix A): an addressing
 * method letter and a size letter. They tell the decoder what follows the opcode and the
 * disassembler how to print it.
 */
public enum Operand {
    // ModRM r/m: register or memory
    Eb, Ew, Ed, Ev,
    // ModRM reg field: general register
    Gb, Gw, Gd, Gv,
    // immediates: byte, word, word or dword by operand size, byte sign-extended to operand size
    Ib, Iw, Iz, Ibs,
    // relative branch targets
    Jb, Jz,
    // ModRM reg field: segment register
    Sw,
    // moffs: an address-size offset in the instruction, no ModRM
    Ob, Ov,
    // far pointer immediate (offset then selector)
    Ap,
    // ModRM memory only: no size, far pointer, qword, bound pair, pseudo-descriptor
    M, Mp, Mq, Ma, Ms,
    // ModRM r/m as a 32-bit register whatever the mod; reg field as control / debug register
    Rd, Cd, Dd,
    // register encoded in the low three opcode bits
    Zb, Zv,
    // fixed registers
    AL, CL, DX, eAX,
    ES, CS, SS, DS, FS, GS,
    /** The constant 1 of the shift-by-one forms. */
    ONE,
    // string operands: DS:eSI and ES:eDI
    Xb, Xv, Yb, Yv,
    /** x87 memory operand; its size comes from the form. */
    Mfpu,
    /** x87 stack register ST(i) from ModRM r/m, and ST(0). */
    STi, ST0;

    /** True when this operand is taken from (or needs) a ModRM byte. */
    public boolean usesModrm() {
        return switch (this) {
            case Eb, Ew, Ed, Ev, Gb, Gw, Gd, Gv, Sw, M, Mp, Mq, Ma, Ms, Rd, Cd, Dd, Mfpu, STi -> true;
            default -> false;
        };
    }

    /** True for the r/m operands that may address memory. */
    public boolean isRm() {
        return switch (this) {
            case Eb, Ew, Ed, Ev, M, Mp, Mq, Ma, Ms, Mfpu -> true;
            default -> false;
        };
    }

    /** True for the operands that may only be memory (mod != 3). */
    public boolean memoryOnly() {
        return switch (this) {
            case M, Mp, Mq, Ma, Ms, Mfpu -> true;
            default -> false;
        };
    }
}
