package io.denalij.cpu.decode;

import static io.denalij.cpu.decode.Form.*;
import static io.denalij.cpu.decode.Operand.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The instruction set of the i686 (Pentium Pro, no MMX/SSE), declared once: every form of the
 * one-byte and two-byte (0F xx) opcode maps, group opcodes by ModRM digit, and the x87 escapes.
 * The decoder, the disassembler and the interpreter's dispatch all read this table, so adding or
 * fixing an instruction touches this file (and the interpreter's handler for a new {@link Op}).
 *
 * <p>Flags masks follow the SDM's "Flags Affected" sections. Opcodes with no form here are
 * undefined and decode to {@link #invalid()} (#UD).
 */
public final class OpcodeTable {
    public static OpcodeTable get() { return Holder.INSTANCE; }

    /** Built on first use, after every static constant of this class is initialised. */
    private static final class Holder {
        static final OpcodeTable INSTANCE = new OpcodeTable();
    }

    // flag masks (EFLAGS bit positions)
    private static final int O = 1 << 11, S = 1 << 7, Z = 1 << 6, A = 1 << 4, P = 1 << 2, C = 1, D = 1 << 10,
            I = 1 << 9, T = 1 << 8, OSZAPC = O | S | Z | A | P | C, ALL = 0x3F7FD5;

    /** objdump convention: the mnemonic takes a w/d suffix when the operand size differs from the code default. */
    public static final int SUFFIX_ON_OVERRIDE = 1 << 20;
    /** objdump convention: the mnemonic always takes a w/d suffix of the operand size (lgdtd). */
    public static final int ALWAYS_SUFFIX = 1 << 21;
    /** Mnemonic follows the address size (jcxz/jecxz) rather than the operand size. */
    public static final int MNEMONIC_BY_ADDRESS_SIZE = 1 << 22;

    private final Form invalid = new Form(-1, -1, -1, 0, "(bad)", null, Op.INVALID, new Operand[0], 0, 0, 0, 0, 0, 0);
    private final Form[] primary = new Form[512];
    private final Form[][] groupMem = new Form[512][];
    private final Form[][] groupReg = new Form[512][];
    /** Register forms addressed by the whole ModRM byte (x87 D9 E0 fchs...), index modrm & 0x3F. */
    private final Form[][] exactReg = new Form[512][];
    private final Form pause;
    private final List<Form> all = new ArrayList<>();
    private final List<Def> defs = new ArrayList<>();

    /** Builder for one form; collected and frozen by the constructor. */
    private final class Def {
        final int opcode; final String mnemonic; final Op op; final Operand[] ops;
        int digit = -1, exact = -1, modFilter, attrs, fr, fw, fu, memSize, param;
        String m32;

        Def(int opcode, String mnemonic, Op op, Operand[] ops) {
            this.opcode = opcode; this.mnemonic = mnemonic; this.op = op; this.ops = ops;
        }
        Def g(int d) { digit = d; return this; }
        Def mem() { modFilter = 1; return this; }
        Def reg() { modFilter = 2; return this; }
        Def exact(int modrm) { exact = modrm; modFilter = 2; return this; }
        Def m32(String m) { m32 = m; return this; }
        Def a(int bits) { attrs |= bits; return this; }
        Def f(int read, int written, int undefined) { fr = read; fw = written; fu = undefined; return this; }
        Def size(int bytes) { memSize = bytes; return this; }
        Def p(int v) { param = v; return this; }
        Form build() {
            int at = attrs;
            boolean byteOp = ops.length > 0 && switch (ops[0]) {
                case Eb, Gb, AL, Zb, Ob, Xb, Yb -> true;
                default -> false;
            };
            if (ops.length > 1 && (op == Op.OUT || op == Op.OUTS) && (ops[1] == AL || ops[1] == Xb)) byteOp = true;
            if (byteOp && op != Op.MOVZX && op != Op.MOVSX) at |= BYTE_OP;
            return new Form(opcode, digit, exact, modFilter, mnemonic, m32, op, ops, at, fr, fw, fu, memSize, param);
        }
    }

    private Def def(int opcode, String mnemonic, Op op, Operand... ops) {
        Def d = new Def(opcode, mnemonic, op, ops);
        defs.add(d);
        return d;
    }

    private static final String[] CC = {"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"};

    /** The flags condition code {@code cc} reads. */
    private static int ccFlags(int cc) {
        return switch (cc >> 1) {
            case 0 -> O; case 1 -> C; case 2 -> Z; case 3 -> C | Z; case 4 -> S; case 5 -> P; case 6 -> S | O;
            default -> Z | S | O;
        };
    }

    private OpcodeTable() {
        oneByteMap();
        twoByteMap();
        x87();
        for (Def d : defs) place(d.build());
        pause = new Def(0x90, "pause", Op.PAUSE, new Operand[0]).build();
        all.add(pause);
    }

    private void oneByteMap() {
        String[] aluNames = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
        Op[] aluOps = {Op.ADD, Op.OR, Op.ADC, Op.SBB, Op.AND, Op.SUB, Op.XOR, Op.CMP};
        for (int i = 0; i < 8; i++) {
            int base = i * 8;
            int fr = aluOps[i] == Op.ADC || aluOps[i] == Op.SBB ? C : 0;
            boolean logic = aluOps[i] == Op.AND || aluOps[i] == Op.OR || aluOps[i] == Op.XOR;
            int fu = logic ? A : 0;
            int lock = aluOps[i] == Op.CMP ? 0 : LOCKABLE;
            def(base, aluNames[i], aluOps[i], Eb, Gb).a(lock).f(fr, OSZAPC, fu);
            def(base + 1, aluNames[i], aluOps[i], Ev, Gv).a(lock).f(fr, OSZAPC, fu);
            def(base + 2, aluNames[i], aluOps[i], Gb, Eb).f(fr, OSZAPC, fu);
            def(base + 3, aluNames[i], aluOps[i], Gv, Ev).f(fr, OSZAPC, fu);
            def(base + 4, aluNames[i], aluOps[i], AL, Ib).f(fr, OSZAPC, fu);
            def(base + 5, aluNames[i], aluOps[i], eAX, Iz).f(fr, OSZAPC, fu);
            def(0x80, aluNames[i], aluOps[i], Eb, Ib).g(i).a(lock).f(fr, OSZAPC, fu);
            def(0x81, aluNames[i], aluOps[i], Ev, Iz).g(i).a(lock).f(fr, OSZAPC, fu);
            def(0x82, aluNames[i], aluOps[i], Eb, Ib).g(i).a(lock).f(fr, OSZAPC, fu);
            def(0x83, aluNames[i], aluOps[i], Ev, Ibs).g(i).a(lock).f(fr, OSZAPC, fu);
        }
        Operand[] sregs = {ES, CS, SS, DS};
        for (int i = 0; i < 4; i++) {
            def(0x06 + i * 8, "push", Op.PUSH_SREG, sregs[i]).p(i).a(SUFFIX_ON_OVERRIDE);
            if (i != 1) def(0x07 + i * 8, "pop", Op.POP_SREG, sregs[i]).p(i).a(SUFFIX_ON_OVERRIDE | (i == 2 ? BLOCK_END : 0));
        }
        def(0x27, "daa", Op.DAA).f(A | C, S | Z | A | P | C, O);
        def(0x2F, "das", Op.DAS).f(A | C, S | Z | A | P | C, O);
        def(0x37, "aaa", Op.AAA).f(A, A | C, O | S | Z | P);
        def(0x3F, "aas", Op.AAS).f(A, A | C, O | S | Z | P);
        for (int r = 0; r < 8; r++) {
            def(0x40 + r, "inc", Op.INC, Zv).p(r).f(0, O | S | Z | A | P, 0);
            def(0x48 + r, "dec", Op.DEC, Zv).p(r).f(0, O | S | Z | A | P, 0);
            def(0x50 + r, "push", Op.PUSH, Zv).p(r);
            def(0x58 + r, "pop", Op.POP, Zv).p(r);
            def(0xB0 + r, "mov", Op.MOV, Zb, Ib).p(r);
            def(0xB8 + r, "mov", Op.MOV, Zv, Iz).p(r);
            if (r > 0) def(0x90 + r, "xchg", Op.XCHG, Zv, eAX).p(r);
            def(0x1C8 + r, "bswap", Op.BSWAP, Zv).p(r);
        }
        def(0x60, "pusha", Op.PUSHA).a(SUFFIX_ON_OVERRIDE);
        def(0x61, "popa", Op.POPA).a(SUFFIX_ON_OVERRIDE);
        def(0x62, "bound", Op.BOUND, Gv, Ma).mem();
        def(0x63, "arpl", Op.ARPL, Ew, Gw).a(PROTECTED_ONLY).f(0, Z, 0);
        def(0x68, "push", Op.PUSH, Iz).a(SUFFIX_ON_OVERRIDE);
        def(0x69, "imul", Op.IMUL, Gv, Ev, Iz).f(0, OSZAPC, S | Z | A | P);
        def(0x6A, "push", Op.PUSH, Ibs).a(SUFFIX_ON_OVERRIDE);
        def(0x6B, "imul", Op.IMUL, Gv, Ev, Ibs).f(0, OSZAPC, S | Z | A | P);
        def(0x6C, "ins", Op.INS, Yb, DX).a(STRING | IOPL_SENSITIVE | BLOCK_END).f(D, 0, 0);
        def(0x6D, "ins", Op.INS, Yv, DX).a(STRING | IOPL_SENSITIVE | BLOCK_END).f(D, 0, 0);
        def(0x6E, "outs", Op.OUTS, DX, Xb).a(STRING | IOPL_SENSITIVE | BLOCK_END).f(D, 0, 0);
        def(0x6F, "outs", Op.OUTS, DX, Xv).a(STRING | IOPL_SENSITIVE | BLOCK_END).f(D, 0, 0);
        for (int cc = 0; cc < 16; cc++) {
            def(0x70 + cc, "j" + CC[cc], Op.JCC, Jb).p(cc).a(BRANCH | BLOCK_END | CONDITIONAL).f(ccFlags(cc), 0, 0);
            def(0x180 + cc, "j" + CC[cc], Op.JCC, Jz).p(cc).a(BRANCH | BLOCK_END | CONDITIONAL).f(ccFlags(cc), 0, 0);
            def(0x190 + cc, "set" + CC[cc], Op.SETCC, Eb).g(-1).p(cc).a(CONDITIONAL).f(ccFlags(cc), 0, 0);
            def(0x140 + cc, "cmov" + CC[cc], Op.CMOVCC, Gv, Ev).p(cc).a(CONDITIONAL).f(ccFlags(cc), 0, 0);
        }
        def(0x84, "test", Op.TEST, Eb, Gb).f(0, OSZAPC, A);
        def(0x85, "test", Op.TEST, Ev, Gv).f(0, OSZAPC, A);
        def(0x86, "xchg", Op.XCHG, Eb, Gb).a(LOCKABLE);
        def(0x87, "xchg", Op.XCHG, Ev, Gv).a(LOCKABLE);
        def(0x88, "mov", Op.MOV, Eb, Gb);
        def(0x89, "mov", Op.MOV, Ev, Gv);
        def(0x8A, "mov", Op.MOV, Gb, Eb);
        def(0x8B, "mov", Op.MOV, Gv, Ev);
        def(0x8C, "mov", Op.MOV_FROM_SREG, Ev, Sw);
        def(0x8D, "lea", Op.LEA, Gv, M).mem();
        def(0x8E, "mov", Op.MOV_TO_SREG, Sw, Ev).a(BLOCK_END);
        def(0x8F, "pop", Op.POP, Ev).g(0);
        def(0x90, "nop", Op.NOP);
        def(0x98, "cbw", Op.CBW).m32("cwde");
        def(0x99, "cwd", Op.CWD).m32("cdq");
        def(0x9A, "call", Op.CALL_FAR, Ap).a(BRANCH | BLOCK_END);
        def(0x9B, "fwait", Op.FWAIT);
        def(0x9C, "pushf", Op.PUSHF).a(SUFFIX_ON_OVERRIDE).f(ALL, 0, 0);
        def(0x9D, "popf", Op.POPF).a(SUFFIX_ON_OVERRIDE | BLOCK_END).f(0, ALL, 0);
        def(0x9E, "sahf", Op.SAHF).f(0, S | Z | A | P | C, 0);
        def(0x9F, "lahf", Op.LAHF).f(S | Z | A | P | C, 0, 0);
        def(0xA0, "mov", Op.MOV, AL, Ob);
        def(0xA1, "mov", Op.MOV, eAX, Ov);
        def(0xA2, "mov", Op.MOV, Ob, AL);
        def(0xA3, "mov", Op.MOV, Ov, eAX);
        def(0xA4, "movs", Op.MOVS, Yb, Xb).a(STRING).f(D, 0, 0);
        def(0xA5, "movs", Op.MOVS, Yv, Xv).a(STRING).f(D, 0, 0);
        def(0xA6, "cmps", Op.CMPS, Xb, Yb).a(STRING | REP_CONDITIONAL).f(D, OSZAPC, 0);
        def(0xA7, "cmps", Op.CMPS, Xv, Yv).a(STRING | REP_CONDITIONAL).f(D, OSZAPC, 0);
        def(0xA8, "test", Op.TEST, AL, Ib).f(0, OSZAPC, A);
        def(0xA9, "test", Op.TEST, eAX, Iz).f(0, OSZAPC, A);
        def(0xAA, "stos", Op.STOS, Yb, AL).a(STRING).f(D, 0, 0);
        def(0xAB, "stos", Op.STOS, Yv, eAX).a(STRING).f(D, 0, 0);
        def(0xAC, "lods", Op.LODS, AL, Xb).a(STRING).f(D, 0, 0);
        def(0xAD, "lods", Op.LODS, eAX, Xv).a(STRING).f(D, 0, 0);
        def(0xAE, "scas", Op.SCAS, AL, Yb).a(STRING | REP_CONDITIONAL).f(D, OSZAPC, 0);
        def(0xAF, "scas", Op.SCAS, eAX, Yv).a(STRING | REP_CONDITIONAL).f(D, OSZAPC, 0);
        shiftGroup(0xC0, Eb, Ib);
        shiftGroup(0xC1, Ev, Ib);
        shiftGroup(0xD0, Eb, ONE);
        shiftGroup(0xD1, Ev, ONE);
        shiftGroup(0xD2, Eb, CL);
        shiftGroup(0xD3, Ev, CL);
        def(0xC2, "ret", Op.RET, Iw).a(BRANCH | BLOCK_END | SUFFIX_ON_OVERRIDE);
        def(0xC3, "ret", Op.RET).a(BRANCH | BLOCK_END | SUFFIX_ON_OVERRIDE);
        def(0xC4, "les", Op.LOAD_FAR_POINTER, Gv, Mp).mem().p(0);
        def(0xC5, "lds", Op.LOAD_FAR_POINTER, Gv, Mp).mem().p(3);
        def(0xC6, "mov", Op.MOV, Eb, Ib).g(0);
        def(0xC7, "mov", Op.MOV, Ev, Iz).g(0);
        def(0xC8, "enter", Op.ENTER, Iw, Ib).a(SUFFIX_ON_OVERRIDE);
        def(0xC9, "leave", Op.LEAVE).a(SUFFIX_ON_OVERRIDE);
        def(0xCA, "retf", Op.RET_FAR, Iw).a(BRANCH | BLOCK_END | SUFFIX_ON_OVERRIDE);
        def(0xCB, "retf", Op.RET_FAR).a(BRANCH | BLOCK_END | SUFFIX_ON_OVERRIDE);
        def(0xCC, "int3", Op.INT3).p(3).a(BRANCH | BLOCK_END);
        def(0xCD, "int", Op.INT, Ib).a(BRANCH | BLOCK_END);
        def(0xCE, "into", Op.INTO).a(BRANCH | BLOCK_END).f(O, 0, 0);
        def(0xCF, "iret", Op.IRET).a(BRANCH | BLOCK_END | SUFFIX_ON_OVERRIDE).f(0, ALL, 0);
        def(0xD4, "aam", Op.AAM, Ib).f(0, S | Z | P, O | A | C);
        def(0xD5, "aad", Op.AAD, Ib).f(0, S | Z | P, O | A | C);
        def(0xD6, "salc", Op.SALC).f(C, 0, 0);
        def(0xD7, "xlat", Op.XLAT);
        def(0xE0, "loopne", Op.LOOPNE, Jb).a(BRANCH | BLOCK_END).f(Z, 0, 0);
        def(0xE1, "loope", Op.LOOPE, Jb).a(BRANCH | BLOCK_END).f(Z, 0, 0);
        def(0xE2, "loop", Op.LOOP, Jb).a(BRANCH | BLOCK_END);
        def(0xE3, "jcxz", Op.JCXZ, Jb).m32("jecxz").a(BRANCH | BLOCK_END | MNEMONIC_BY_ADDRESS_SIZE);
        def(0xE4, "in", Op.IN, AL, Ib).a(IOPL_SENSITIVE | BLOCK_END);
        def(0xE5, "in", Op.IN, eAX, Ib).a(IOPL_SENSITIVE | BLOCK_END);
        def(0xE6, "out", Op.OUT, Ib, AL).a(IOPL_SENSITIVE | BLOCK_END);
        def(0xE7, "out", Op.OUT, Ib, eAX).a(IOPL_SENSITIVE | BLOCK_END);
        def(0xE8, "call", Op.CALL, Jz).a(BRANCH | BLOCK_END | SUFFIX_ON_OVERRIDE);
        def(0xE9, "jmp", Op.JMP, Jz).a(BRANCH | BLOCK_END | SUFFIX_ON_OVERRIDE);
        def(0xEA, "jmp", Op.JMP_FAR, Ap).a(BRANCH | BLOCK_END);
        def(0xEB, "jmp", Op.JMP, Jb).a(BRANCH | BLOCK_END);
        def(0xEC, "in", Op.IN, AL, DX).a(IOPL_SENSITIVE | BLOCK_END);
        def(0xED, "in", Op.IN, eAX, DX).a(IOPL_SENSITIVE | BLOCK_END);
        def(0xEE, "out", Op.OUT, DX, AL).a(IOPL_SENSITIVE | BLOCK_END);
        def(0xEF, "out", Op.OUT, DX, eAX).a(IOPL_SENSITIVE | BLOCK_END);
        def(0xF1, "int1", Op.INT3).p(1).a(BRANCH | BLOCK_END);
        def(0xF4, "hlt", Op.HLT).a(PRIVILEGED | BLOCK_END);
        def(0xF5, "cmc", Op.CMC).f(C, C, 0);
        unaryGroup(0xF6, Eb, Ib);
        unaryGroup(0xF7, Ev, Iz);
        def(0xF8, "clc", Op.CLC).f(0, C, 0);
        def(0xF9, "stc", Op.STC).f(0, C, 0);
        def(0xFA, "cli", Op.CLI).a(IOPL_SENSITIVE | BLOCK_END).f(0, I, 0);
        def(0xFB, "sti", Op.STI).a(IOPL_SENSITIVE | BLOCK_END).f(0, I, 0);
        def(0xFC, "cld", Op.CLD).f(0, D, 0);
        def(0xFD, "std", Op.STD).f(0, D, 0);
        def(0xFE, "inc", Op.INC, Eb).g(0).a(LOCKABLE).f(0, O | S | Z | A | P, 0);
        def(0xFE, "dec", Op.DEC, Eb).g(1).a(LOCKABLE).f(0, O | S | Z | A | P, 0);
        def(0xFF, "inc", Op.INC, Ev).g(0).a(LOCKABLE).f(0, O | S | Z | A | P, 0);
        def(0xFF, "dec", Op.DEC, Ev).g(1).a(LOCKABLE).f(0, O | S | Z | A | P, 0);
        def(0xFF, "call", Op.CALL, Ev).g(2).a(BRANCH | BLOCK_END);
        def(0xFF, "call", Op.CALL_FAR_INDIRECT, Mp).g(3).mem().a(BRANCH | BLOCK_END);
        def(0xFF, "jmp", Op.JMP, Ev).g(4).a(BRANCH | BLOCK_END);
        def(0xFF, "jmp", Op.JMP_FAR_INDIRECT, Mp).g(5).mem().a(BRANCH | BLOCK_END);
        def(0xFF, "push", Op.PUSH, Ev).g(6);
    }

    private void shiftGroup(int opcode, Operand dst, Operand count) {
        String[] names = {"rol", "ror", "rcl", "rcr", "shl", "shr", "shl", "sar"};
        Op[] ops = {Op.ROL, Op.ROR, Op.RCL, Op.RCR, Op.SHL, Op.SHR, Op.SHL, Op.SAR};
        for (int i = 0; i < 8; i++) {
            boolean rotate = i < 4;
            int fr = i == 2 || i == 3 ? C : 0;
            def(opcode, names[i], ops[i], dst, count).g(i)
                    .f(fr, rotate ? O | C : OSZAPC, rotate ? O : O | A);
        }
    }

    private void unaryGroup(int opcode, Operand rm, Operand imm) {
        def(opcode, "test", Op.TEST, rm, imm).g(0).f(0, OSZAPC, A);
        def(opcode, "test", Op.TEST, rm, imm).g(1).f(0, OSZAPC, A);
        def(opcode, "not", Op.NOT, rm).g(2).a(LOCKABLE);
        def(opcode, "neg", Op.NEG, rm).g(3).a(LOCKABLE).f(0, OSZAPC, 0);
        def(opcode, "mul", Op.MUL, rm).g(4).f(0, OSZAPC, S | Z | A | P);
        def(opcode, "imul", Op.IMUL1, rm).g(5).f(0, OSZAPC, S | Z | A | P);
        def(opcode, "div", Op.DIV, rm).g(6).f(0, OSZAPC, OSZAPC);
        def(opcode, "idiv", Op.IDIV, rm).g(7).f(0, OSZAPC, OSZAPC);
    }

    private void twoByteMap() {
        def(0x100, "sldt", Op.SLDT, Ev).g(0).a(PROTECTED_ONLY);
        def(0x100, "str", Op.STR, Ev).g(1).a(PROTECTED_ONLY);
        def(0x100, "lldt", Op.LLDT, Ew).g(2).a(PROTECTED_ONLY | PRIVILEGED);
        def(0x100, "ltr", Op.LTR, Ew).g(3).a(PROTECTED_ONLY | PRIVILEGED);
        def(0x100, "verr", Op.VERR, Ew).g(4).a(PROTECTED_ONLY).f(0, Z, 0);
        def(0x100, "verw", Op.VERW, Ew).g(5).a(PROTECTED_ONLY).f(0, Z, 0);
        def(0x101, "sgdt", Op.SGDT, Ms).g(0).mem().a(ALWAYS_SUFFIX);
        def(0x101, "sidt", Op.SIDT, Ms).g(1).mem().a(ALWAYS_SUFFIX);
        def(0x101, "lgdt", Op.LGDT, Ms).g(2).mem().a(PRIVILEGED | ALWAYS_SUFFIX | BLOCK_END);
        def(0x101, "lidt", Op.LIDT, Ms).g(3).mem().a(PRIVILEGED | ALWAYS_SUFFIX | BLOCK_END);
        def(0x101, "smsw", Op.SMSW, Ev).g(4);
        def(0x101, "lmsw", Op.LMSW, Ew).g(6).a(PRIVILEGED | BLOCK_END);
        def(0x101, "invlpg", Op.INVLPG, M).g(7).mem().a(PRIVILEGED | BLOCK_END);
        def(0x102, "lar", Op.LAR, Gv, Ev).a(PROTECTED_ONLY).f(0, Z, 0);
        def(0x103, "lsl", Op.LSL, Gv, Ev).a(PROTECTED_ONLY).f(0, Z, 0);
        def(0x106, "clts", Op.CLTS).a(PRIVILEGED | BLOCK_END);
        def(0x108, "invd", Op.INVD).a(PRIVILEGED);
        def(0x109, "wbinvd", Op.WBINVD).a(PRIVILEGED);
        def(0x10B, "ud2", Op.UD2);
        for (int op = 0x119; op <= 0x11F; op++) def(op, "nop", Op.NOP, Ev);
        def(0x120, "mov", Op.MOV_FROM_CR, Rd, Cd).a(PRIVILEGED);
        def(0x121, "mov", Op.MOV_FROM_DR, Rd, Dd).a(PRIVILEGED);
        def(0x122, "mov", Op.MOV_TO_CR, Cd, Rd).a(PRIVILEGED | BLOCK_END);
        def(0x123, "mov", Op.MOV_TO_DR, Dd, Rd).a(PRIVILEGED | BLOCK_END);
        def(0x130, "wrmsr", Op.WRMSR).a(PRIVILEGED | BLOCK_END);
        def(0x131, "rdtsc", Op.RDTSC);
        def(0x132, "rdmsr", Op.RDMSR).a(PRIVILEGED);
        def(0x133, "rdpmc", Op.RDPMC);
        def(0x13F, "denali", Op.DENALI, Ib).a(BLOCK_END);
        def(0x1A0, "push", Op.PUSH_SREG, FS).p(4).a(SUFFIX_ON_OVERRIDE);
        def(0x1A1, "pop", Op.POP_SREG, FS).p(4).a(SUFFIX_ON_OVERRIDE);
        def(0x1A2, "cpuid", Op.CPUID);
        def(0x1A3, "bt", Op.BT, Ev, Gv).f(0, C, O | S | A | P);
        def(0x1A4, "shld", Op.SHLD, Ev, Gv, Ib).f(0, OSZAPC, O | A);
        def(0x1A5, "shld", Op.SHLD, Ev, Gv, CL).f(0, OSZAPC, O | A);
        def(0x1A8, "push", Op.PUSH_SREG, GS).p(5).a(SUFFIX_ON_OVERRIDE);
        def(0x1A9, "pop", Op.POP_SREG, GS).p(5).a(SUFFIX_ON_OVERRIDE);
        def(0x1AB, "bts", Op.BTS, Ev, Gv).a(LOCKABLE).f(0, C, O | S | A | P);
        def(0x1AC, "shrd", Op.SHRD, Ev, Gv, Ib).f(0, OSZAPC, O | A);
        def(0x1AD, "shrd", Op.SHRD, Ev, Gv, CL).f(0, OSZAPC, O | A);
        def(0x1AF, "imul", Op.IMUL, Gv, Ev).f(0, OSZAPC, S | Z | A | P);
        def(0x1B0, "cmpxchg", Op.CMPXCHG, Eb, Gb).a(LOCKABLE).f(0, OSZAPC, 0);
        def(0x1B1, "cmpxchg", Op.CMPXCHG, Ev, Gv).a(LOCKABLE).f(0, OSZAPC, 0);
        def(0x1B2, "lss", Op.LOAD_FAR_POINTER, Gv, Mp).mem().p(2).a(BLOCK_END);
        def(0x1B3, "btr", Op.BTR, Ev, Gv).a(LOCKABLE).f(0, C, O | S | A | P);
        def(0x1B4, "lfs", Op.LOAD_FAR_POINTER, Gv, Mp).mem().p(4);
        def(0x1B5, "lgs", Op.LOAD_FAR_POINTER, Gv, Mp).mem().p(5);
        def(0x1B6, "movzx", Op.MOVZX, Gv, Eb);
        def(0x1B7, "movzx", Op.MOVZX, Gv, Ew);
        def(0x1BA, "bt", Op.BT, Ev, Ib).g(4).f(0, C, O | S | A | P);
        def(0x1BA, "bts", Op.BTS, Ev, Ib).g(5).a(LOCKABLE).f(0, C, O | S | A | P);
        def(0x1BA, "btr", Op.BTR, Ev, Ib).g(6).a(LOCKABLE).f(0, C, O | S | A | P);
        def(0x1BA, "btc", Op.BTC, Ev, Ib).g(7).a(LOCKABLE).f(0, C, O | S | A | P);
        def(0x1BB, "btc", Op.BTC, Ev, Gv).a(LOCKABLE).f(0, C, O | S | A | P);
        def(0x1BC, "bsf", Op.BSF, Gv, Ev).f(0, Z, O | S | A | P | C);
        def(0x1BD, "bsr", Op.BSR, Gv, Ev).f(0, Z, O | S | A | P | C);
        def(0x1BE, "movsx", Op.MOVSX, Gv, Eb);
        def(0x1BF, "movsx", Op.MOVSX, Gv, Ew);
        def(0x1C0, "xadd", Op.XADD, Eb, Gb).a(LOCKABLE).f(0, OSZAPC, 0);
        def(0x1C1, "xadd", Op.XADD, Ev, Gv).a(LOCKABLE).f(0, OSZAPC, 0);
        def(0x1C7, "cmpxchg8b", Op.CMPXCHG8B, Mq).g(1).mem().a(LOCKABLE).f(0, Z, 0);
    }

    /** The x87 escapes D8-DF (SDM Vol. 2, A.4): memory forms by reg digit, register forms by ModRM. */
    private void x87() {
        String[] arith = {"fadd", "fmul", "fcom", "fcomp", "fsub", "fsubr", "fdiv", "fdivr"};
        for (int d = 0; d < 8; d++) {
            x87mem(0xD8, d, arith[d], 4);
            x87mem(0xDC, d, arith[d], 8);
            x87mem(0xDA, d, "fi" + arith[d].substring(1), 4);
            x87mem(0xDE, d, "fi" + arith[d].substring(1), 2);
            x87reg(0xD8, d, arith[d], d == 2 || d == 3 ? 3 : 0);
        }
        // DC and DE register forms swap the sense of sub/div (Intel mnemonics, as objdump prints them)
        String[] dcReg = {"fadd", "fmul", null, null, "fsubr", "fsub", "fdivr", "fdiv"};
        String[] deReg = {"faddp", "fmulp", null, null, "fsubrp", "fsubp", "fdivrp", "fdivp"};
        for (int d = 0; d < 8; d++) {
            if (dcReg[d] != null) x87reg(0xDC, d, dcReg[d], 2);
            if (deReg[d] != null) x87reg(0xDE, d, deReg[d], 2);
        }
        x87exact(0xDE, 0xD9, "fcompp");
        String[] d9mem = {"fld", null, "fst", "fstp", "fldenv", "fldcw", "fnstenv", "fnstcw"};
        int[] d9size = {4, 0, 4, 4, 0, 2, 0, 2};
        for (int d = 0; d < 8; d++) if (d9mem[d] != null) x87mem(0xD9, d, d9mem[d], d9size[d]);
        x87reg(0xD9, 0, "fld", 3);
        x87reg(0xD9, 1, "fxch", 3);
        x87exact(0xD9, 0xD0, "fnop");
        String[] d9e = {"fchs", "fabs", null, null, "ftst", "fxam", null, null,
                "fld1", "fldl2t", "fldl2e", "fldpi", "fldlg2", "fldln2", "fldz", null,
                "f2xm1", "fyl2x", "fptan", "fpatan", "fxtract", "fprem1", "fdecstp", "fincstp",
                "fprem", "fyl2xp1", "fsqrt", "fsincos", "frndint", "fscale", "fsin", "fcos"};
        for (int i = 0; i < 32; i++) if (d9e[i] != null) x87exact(0xD9, 0xE0 + i, d9e[i]);
        String[] damem = {"fiadd", "fimul", "ficom", "ficomp", "fisub", "fisubr", "fidiv", "fidivr"};
        for (int d = 0; d < 8; d++) x87mem(0xDA, d, damem[d], 4);
        String[] fcmov = {"fcmovb", "fcmove", "fcmovbe", "fcmovu"};
        for (int d = 0; d < 4; d++) x87reg(0xDA, d, fcmov[d], 0);
        x87exact(0xDA, 0xE9, "fucompp");
        String[] dbmem = {"fild", null, "fist", "fistp", null, "fld", null, "fstp"};
        int[] dbsize = {4, 0, 4, 4, 0, 10, 0, 10};
        for (int d = 0; d < 8; d++) if (dbmem[d] != null) x87mem(0xDB, d, dbmem[d], dbsize[d]);
        String[] fcmovn = {"fcmovnb", "fcmovne", "fcmovnbe", "fcmovnu"};
        for (int d = 0; d < 4; d++) x87reg(0xDB, d, fcmovn[d], 0);
        x87exact(0xDB, 0xE2, "fnclex");
        x87exact(0xDB, 0xE3, "fninit");
        x87reg(0xDB, 5, "fucomi", 0);
        x87reg(0xDB, 6, "fcomi", 0);
        String[] ddmem = {"fld", null, "fst", "fstp", "frstor", null, "fnsave", "fnstsw"};
        int[] ddsize = {8, 0, 8, 8, 0, 0, 0, 2};
        for (int d = 0; d < 8; d++) if (ddmem[d] != null) x87mem(0xDD, d, ddmem[d], ddsize[d]);
        x87reg(0xDD, 0, "ffree", 3);
        x87reg(0xDD, 2, "fst", 3);
        x87reg(0xDD, 3, "fstp", 3);
        x87reg(0xDD, 4, "fucom", 3);
        x87reg(0xDD, 5, "fucomp", 3);
        String[] dfmem = {"fild", null, "fist", "fistp", "fbld", "fild", "fbstp", "fistp"};
        int[] dfsize = {2, 0, 2, 2, 10, 8, 10, 8};
        for (int d = 0; d < 8; d++) if (dfmem[d] != null) x87mem(0xDF, d, dfmem[d], dfsize[d]);
        x87exact(0xDF, 0xE0, "fnstsw");
        x87reg(0xDF, 5, "fucomip", 0);
        x87reg(0xDF, 6, "fcomip", 0);
    }

    private void x87mem(int opcode, int digit, String mnemonic, int size) {
        // the environment and state images have a 16- and a 32-bit layout: objdump marks an override
        int suffix = size == 0 && !mnemonic.equals("fnstsw") ? SUFFIX_ON_OVERRIDE : 0;
        def(opcode, mnemonic, Op.ESC, Mfpu).g(digit).mem().size(size).a(X87 | suffix);
    }

    /** Operand style as printed: 0 "st,st(i)"; 2 "st(i),st"; 3 "st(i)". */
    private void x87reg(int opcode, int digit, String mnemonic, int style) {
        Operand[] ops = switch (style) {
            case 0 -> new Operand[] {ST0, STi};
            case 2 -> new Operand[] {STi, ST0};
            default -> new Operand[] {STi};
        };
        def(opcode, mnemonic, Op.ESC, ops).g(digit).reg().a(X87).p(style);
    }

    private void x87exact(int opcode, int modrm, String mnemonic) {
        Operand[] ops = modrm == 0xE0 && opcode == 0xDF ? new Operand[] {AL} : new Operand[0];
        def(opcode, mnemonic, Op.ESC, ops).exact(modrm).a(X87);
    }

    private void place(Form f) {
        all.add(f);
        int op = f.opcode;
        if (f.exactModrm >= 0) {
            if (exactReg[op] == null) exactReg[op] = new Form[64];
            exactReg[op][f.exactModrm & 0x3F] = f;
            ensureGroup(op);
        } else if (f.digit >= 0) {
            ensureGroup(op);
            if (f.modFilter != 2) groupMem[op][f.digit] = f;
            if (f.modFilter != 1) groupReg[op][f.digit] = f;
        } else {
            if (primary[op] != null) throw new IllegalStateException("two forms for opcode " + f + " and " + primary[op]);
            primary[op] = f;
        }
    }

    private void ensureGroup(int op) {
        if (groupMem[op] == null) { groupMem[op] = new Form[8]; groupReg[op] = new Form[8]; }
    }

    /** The #UD form every undefined opcode decodes to. */
    public Form invalid() { return invalid; }

    /** Every declared form, for tests and documentation. */
    public List<Form> forms() { return Collections.unmodifiableList(all); }

    /** The form PAUSE (F3 90). */
    public Form pause() { return pause; }

    /** True when the opcode (0-0x1FF) is followed by a ModRM byte. */
    public boolean needsModrm(int opcode) {
        Form f = primary[opcode];
        return f != null ? f.hasModrm : groupMem[opcode] != null;
    }

    /**
     * The form for an opcode; {@code modrm} is only looked at for opcodes that need one. Never null:
     * undefined encodings give {@link #invalid()}.
     */
    public Form lookup(int opcode, int modrm) {
        Form f = primary[opcode];
        if (f != null) {
            if (f.modFilter == 1 && modrm >= 0xC0) return invalid;
            return f;
        }
        if (groupMem[opcode] == null) return invalid;
        if (modrm >= 0xC0) {
            Form[] ex = exactReg[opcode];
            if (ex != null && ex[modrm & 0x3F] != null) return ex[modrm & 0x3F];
            f = groupReg[opcode][(modrm >> 3) & 7];
        } else {
            f = groupMem[opcode][(modrm >> 3) & 7];
        }
        return f != null ? f : invalid;
    }
}
