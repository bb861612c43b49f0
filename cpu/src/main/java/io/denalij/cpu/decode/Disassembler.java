package io.denalij.cpu.decode;

import io.denalij.cpu.CpuState;
import io.denalij.cpu.Segment;

/**
 * Prints a decoded instruction in Intel syntax, the way {@code objdump -M intel} does (so traces
 * can be compared with it): {@code add DWORD PTR [ebx+esi*4+0x10],0x7f}. Known differences from
 * objdump are listed in DisassemblerTest.
 */
public final class Disassembler {
    private Disassembler() { }

    private static final String[] REG16_ADDR = CpuState.REG16;

    public static String format(Instruction in) {
        Form f = in.form;
        if (f.op == Op.INVALID) return "(bad)";
        StringBuilder b = new StringBuilder();
        if (f.op == Op.NOP && f.opcode == 0x90 && in.has(Instruction.PREFIX_OPSIZE)) {
            return in.op32 ? "xchg eax,eax" : "xchg ax,ax";
        }
        unusedPrefixes(b, in);
        if (in.lock()) b.append("lock ");
        if (in.has(Instruction.PREFIX_REP) && f.op != Op.PAUSE) {
            b.append(f.has(Form.STRING) && !f.has(Form.REP_CONDITIONAL) ? "rep " : "repz ");
        } else if (in.has(Instruction.PREFIX_REPNE)) {
            b.append("repnz ");
        }
        b.append(mnemonic(in));
        if (f.op == Op.XLAT) {
            b.append(' ').append("BYTE PTR ").append(Segment.NAMES[segOr(in, Segment.DS)]).append(":[")
                    .append(in.addr32 ? "ebx" : "bx").append(']');
            return b.toString();
        }
        for (int i = 0; i < f.operandCount(); i++) {
            b.append(i == 0 ? " " : ",");
            operand(b, in, f.operand(i));
        }
        return b.toString();
    }

    /** objdump names prefixes the instruction does not use (a segment override without memory operand, say). */
    private static void unusedPrefixes(StringBuilder b, Instruction in) {
        for (int i = 0; i < in.length; i++) {
            int p = in.byteAt(i);
            switch (p) {
                case 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65 -> {
                    if (!usesSegment(in)) b.append(Segment.NAMES[in.segOverride]).append(' ');
                }
                case 0x66 -> { if (!usesOperandSize(in)) b.append(in.code32 ? "data16 " : "data32 "); }
                case 0x67 -> { if (!usesAddressSize(in) || printsAddressPrefix(in)) b.append(in.code32 ? "addr16 " : "addr32 "); }
                case 0xF0, 0xF2, 0xF3 -> { }
                default -> { return; }
            }
        }
    }

    private static boolean usesSegment(Instruction in) {
        if (in.hasMemory || in.op == Op.XLAT) return true;
        for (int i = 0; i < in.form.operandCount(); i++) {
            Operand o = in.form.operand(i);
            if (o == Operand.Xb || o == Operand.Xv) return true;
        }
        return false;
    }

    private static boolean usesOperandSize(Instruction in) {
        Form f = in.form;
        if (f.has(Form.BYTE_OP) && f.op != Op.OUT && f.op != Op.IN) return false;
        if (!f.mnemonic.equals(f.mnemonic32) && !f.has(OpcodeTable.MNEMONIC_BY_ADDRESS_SIZE)) return true;
        if (f.has(OpcodeTable.SUFFIX_ON_OVERRIDE | OpcodeTable.ALWAYS_SUFFIX)) return true;
        switch (f.op) {
            case PUSH_SREG, POP_SREG, RET, RET_FAR, ENTER, LEAVE, IRET -> { return true; }
            case MOV_FROM_SREG, MOV_TO_SREG, SLDT, STR, SMSW -> { return !in.hasMemory; }
            default -> { }
        }
        for (int i = 0; i < f.operandCount(); i++) {
            switch (f.operand(i)) {
                case Ev, Gv, Iz, Ibs, Zv, eAX, Ov, Xv, Yv, Mp, Ma, Jz, Ap, Ms -> { return true; }
                default -> { }
            }
        }
        return false;
    }

    /** objdump names an address-size prefix on moffs moves and LOOP even though they use it. */
    private static boolean printsAddressPrefix(Instruction in) {
        if (in.op == Op.LOOP || in.op == Op.LOOPE || in.op == Op.LOOPNE) return true;
        Operand first = in.form.operandCount() > 0 ? in.form.operand(0) : null;
        Operand second = in.form.operandCount() > 1 ? in.form.operand(1) : null;
        if (first == Operand.Ob || first == Operand.Ov || second == Operand.Ob || second == Operand.Ov) return true;
        return !in.code32 && in.hasMemory && in.base == Instruction.NO_REG && in.index == Instruction.NO_REG
                && !(in.addr32 && in.modrm >= 0 && in.rm == 4);
    }

    private static boolean usesAddressSize(Instruction in) {
        if (in.hasMemory) return true;
        return switch (in.op) {
            case MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS, XLAT, JCXZ, LOOP, LOOPE, LOOPNE -> true;
            default -> false;
        };
    }

    private static String mnemonic(Instruction in) {
        Form f = in.form;
        if (f.has(OpcodeTable.MNEMONIC_BY_ADDRESS_SIZE)) return f.mnemonic(in.addr32);
        String m = f.mnemonic(in.op32);
        if (f.has(OpcodeTable.ALWAYS_SUFFIX)) return m + (in.op32 ? "d" : "w");
        if (f.has(OpcodeTable.SUFFIX_ON_OVERRIDE) && in.op32 != in.code32) return m + (in.op32 ? "d" : "w");
        return m;
    }

    private static int segOr(Instruction in, int dflt) {
        return in.segOverride != Instruction.NO_SEG ? in.segOverride : dflt;
    }

    private static String reg(int r, int size) {
        return switch (size) {
            case 1 -> CpuState.REG8[r];
            case 2 -> CpuState.REG16[r];
            default -> CpuState.REG32[r];
        };
    }

    private static String ptr(int size) {
        return switch (size) {
            case 1 -> "BYTE PTR ";
            case 2 -> "WORD PTR ";
            case 4 -> "DWORD PTR ";
            case 6 -> "FWORD PTR ";
            case 8 -> "QWORD PTR ";
            case 10 -> "TBYTE PTR ";
            default -> "";
        };
    }

    private static String hex(int v) { return "0x" + Integer.toHexString(v); }

    private static void operand(StringBuilder b, Instruction in, Operand o) {
        int vsize = in.op32 ? 4 : 2;
        switch (o) {
            case Eb -> rm(b, in, 1);
            case Ew -> rm(b, in, 2);
            case Ed -> rm(b, in, 4);
            case Ev -> {
                boolean wordMemory = in.op == Op.MOV_FROM_SREG || in.op == Op.MOV_TO_SREG || in.op == Op.SLDT
                        || in.op == Op.STR || in.op == Op.SMSW || in.op == Op.LAR || in.op == Op.LSL;
                rm(b, in, wordMemory && in.hasMemory ? 2 : vsize);
            }
            case Gb -> b.append(reg(in.reg, 1));
            case Gw -> b.append(reg(in.reg, 2));
            case Gd -> b.append(reg(in.reg, 4));
            case Gv -> b.append(reg(in.reg, vsize));
            case Ib -> b.append(hex(in.op == Op.ENTER ? in.imm2 : in.imm & 0xFF));
            case Iw -> b.append(hex(in.imm & 0xFFFF));
            case Iz, Ibs -> b.append(hex(in.op32 ? in.imm : in.imm & 0xFFFF));
            case Jb, Jz -> b.append(hex(in.target));
            case Sw -> b.append(in.reg < 6 ? Segment.NAMES[in.reg] : "?");
            case Ob, Ov -> b.append(Segment.NAMES[in.seg]).append(':').append(hex(in.addr32 ? in.disp : in.disp & 0xFFFF));
            case Ap -> b.append(hex(in.imm2 & 0xFFFF)).append(':').append(hex(in.imm));
            case M -> memory(b, in);
            case Mp -> { b.append(ptr(in.op32 ? 6 : 4)); memory(b, in); }
            case Mq -> { b.append(ptr(8)); memory(b, in); }
            case Ma -> { b.append(ptr(in.op32 ? 8 : 4)); memory(b, in); }
            case Ms -> memory(b, in);
            case Rd -> b.append(CpuState.REG32[in.rm]);
            case Cd -> b.append("cr").append(in.reg);
            case Dd -> b.append("dr").append(in.reg);
            case Zb -> b.append(reg(in.form.param, 1));
            case Zv -> b.append(reg(in.form.param, vsize));
            case AL -> b.append(in.op == Op.ESC ? "ax" : "al");
            case CL -> b.append("cl");
            case DX -> b.append("dx");
            case eAX -> b.append(reg(0, vsize));
            case ES, CS, SS, DS, FS, GS -> b.append(Segment.NAMES[o.ordinal() - Operand.ES.ordinal()]);
            case ONE -> b.append('1');
            case Xb, Xv -> b.append(ptr(o == Operand.Xb ? 1 : vsize)).append(Segment.NAMES[segOr(in, Segment.DS)])
                    .append(in.addr32 ? ":[esi]" : ":[si]");
            case Yb, Yv -> b.append(ptr(o == Operand.Yb ? 1 : vsize)).append(in.addr32 ? "es:[edi]" : "es:[di]");
            case Mfpu -> { b.append(ptr(in.form.memSize)); memory(b, in); }
            case STi -> b.append("st(").append(in.rm).append(')');
            case ST0 -> b.append("st");
        }
    }

    private static void rm(StringBuilder b, Instruction in, int size) {
        if (!in.hasMemory) {
            b.append(reg(in.rm, size));
        } else {
            b.append(ptr(size));
            memory(b, in);
        }
    }

    private static void memory(StringBuilder b, Instruction in) {
        boolean hasDisp = in.mod == 1 || in.mod == 2;
        boolean sib = in.addr32 && in.modrm >= 0 && in.rm == 4;
        if (in.base == Instruction.NO_REG && in.index == Instruction.NO_REG && !sib) {
            b.append(Segment.NAMES[in.seg]).append(':').append(hex(in.addr32 ? in.disp : in.disp & 0xFFFF));
            return;
        }
        if (in.segOverride != Instruction.NO_SEG) b.append(Segment.NAMES[in.segOverride]).append(':');
        b.append('[');
        String[] names = in.addr32 ? CpuState.REG32 : REG16_ADDR;
        boolean first = true;
        if (in.base != Instruction.NO_REG) { b.append(names[in.base]); first = false; }
        // objdump shows a SIB byte's "no index" as eiz unless it is the plain [esp] form
        boolean eiz = sib && in.index == Instruction.NO_REG && (in.base != 4 || in.scale != 0);
        if (in.index != Instruction.NO_REG || eiz) {
            if (!first) b.append('+');
            b.append(eiz ? "eiz" : names[in.index]);
            if (in.addr32) b.append('*').append(1 << in.scale);
            first = false;
        }
        if (in.base == Instruction.NO_REG) hasDisp = true;
        if (hasDisp) {
            int d = in.disp;
            if (!in.addr32 && in.mod == 2) d = (short) d;
            if (d < 0) b.append('-').append(hex(-d));
            else b.append('+').append(hex(d));
        }
        b.append(']');
    }
}
