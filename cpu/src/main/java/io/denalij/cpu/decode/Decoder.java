package io.denalij.cpu.decode;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.Segment;

/**
 * Turns bytes into an {@link Instruction}, driven by the {@link OpcodeTable}: prefixes in any order,
 * the one- or two-byte opcode, ModRM/SIB/displacement for 16- and 32-bit addressing, immediates.
 *
 * <p>Bytes come from a {@link Fetcher}, so a page fault or segment-limit fault while fetching is
 * raised from here and belongs to the instruction being decoded. An instruction longer than 15
 * bytes raises #GP(0). Not thread-safe; one per CPU.
 */
public final class Decoder {
    public static final int MAX_LENGTH = 15;

    /** Supplies the byte at {@code eip + i}; may throw a fault. */
    @FunctionalInterface
    public interface Fetcher {
        int fetch(int i);
    }

    private final OpcodeTable table = OpcodeTable.get();
    private final byte[] buf = new byte[MAX_LENGTH];
    private Fetcher fetcher;
    private int pos;

    private int next8() {
        if (pos >= MAX_LENGTH) throw new CpuException(CpuException.GP, 0, 0, "instruction longer than 15 bytes");
        int b = fetcher.fetch(pos) & 0xFF;
        buf[pos++] = (byte) b;
        return b;
    }

    private int next16() { int lo = next8(); return lo | next8() << 8; }

    private int next32() { int lo = next16(); return lo | next16() << 16; }

    /** Decodes from a byte array (tests, disassembly of buffers). */
    public Instruction decode(byte[] code, int offset, int eip, boolean code32) {
        return decode(i -> offset + i < code.length ? code[offset + i] : 0, eip, code32);
    }

    public Instruction decode(Fetcher f, int eip, boolean code32) {
        this.fetcher = f;
        this.pos = 0;
        int prefixes = 0, segOverride = Instruction.NO_SEG;
        int b;
        for (;;) {
            b = next8();
            switch (b) {
                case 0x26 -> segOverride = Segment.ES;
                case 0x2E -> segOverride = Segment.CS;
                case 0x36 -> segOverride = Segment.SS;
                case 0x3E -> segOverride = Segment.DS;
                case 0x64 -> segOverride = Segment.FS;
                case 0x65 -> segOverride = Segment.GS;
                case 0x66 -> prefixes |= Instruction.PREFIX_OPSIZE;
                case 0x67 -> prefixes |= Instruction.PREFIX_ADSIZE;
                case 0xF0 -> prefixes |= Instruction.PREFIX_LOCK;
                case 0xF2 -> prefixes = (prefixes & ~Instruction.PREFIX_REP) | Instruction.PREFIX_REPNE;
                case 0xF3 -> prefixes = (prefixes & ~Instruction.PREFIX_REPNE) | Instruction.PREFIX_REP;
                default -> { }
            }
            if (!isPrefix(b)) break;
        }
        int opcode = b;
        if (b == 0x0F) opcode = 0x100 | next8();
        boolean op32 = code32 ^ (prefixes & Instruction.PREFIX_OPSIZE) != 0;
        boolean addr32 = code32 ^ (prefixes & Instruction.PREFIX_ADSIZE) != 0;

        int modrm = -1;
        Form form;
        if (table.needsModrm(opcode)) {
            modrm = next8();
            form = table.lookup(opcode, modrm);
        } else {
            form = table.lookup(opcode, 0);
            if (opcode == 0x90 && (prefixes & Instruction.PREFIX_REP) != 0) form = table.pause();
        }

        boolean hasMemory = false;
        int seg = Segment.DS, base = Instruction.NO_REG, index = Instruction.NO_REG, scale = 0, disp = 0;
        if (modrm >= 0 && (modrm >> 6) != 3 && form.op != Op.MOV_FROM_CR && form.op != Op.MOV_TO_CR
                && form.op != Op.MOV_FROM_DR && form.op != Op.MOV_TO_DR) {
            hasMemory = true;
            int mod = modrm >> 6, rm = modrm & 7;
            if (addr32) {
                if (rm == 4) {
                    int sib = next8();
                    scale = sib >> 6;
                    index = (sib >> 3) & 7;
                    if (index == 4) index = Instruction.NO_REG;
                    base = sib & 7;
                    if (base == 5 && mod == 0) { base = Instruction.NO_REG; disp = next32(); }
                } else if (rm == 5 && mod == 0) {
                    disp = next32();
                } else {
                    base = rm;
                }
                if (mod == 1) disp = (byte) next8();
                else if (mod == 2) disp = next32();
                if (base == 4 || base == 5) seg = Segment.SS;
            } else {
                switch (rm) {
                    case 0 -> { base = 3; index = 6; }
                    case 1 -> { base = 3; index = 7; }
                    case 2 -> { base = 5; index = 6; seg = Segment.SS; }
                    case 3 -> { base = 5; index = 7; seg = Segment.SS; }
                    case 4 -> base = 6;
                    case 5 -> base = 7;
                    case 6 -> { if (mod != 0) { base = 5; seg = Segment.SS; } }
                    default -> base = 3;
                }
                if (mod == 0 && rm == 6) disp = next16();
                else if (mod == 1) disp = (byte) next8();
                else if (mod == 2) disp = (short) next16();
            }
        }

        int imm = 0, imm2 = 0, target = 0, nImm = 0;
        for (int i = 0; i < form.operandCount(); i++) {
            Operand o = form.operand(i);
            int v;
            switch (o) {
                case Ib -> v = next8();
                case Ibs -> { v = (byte) next8(); if (!op32) v &= 0xFFFF; }
                case Iw -> v = next16();
                case Iz -> v = op32 ? next32() : next16();
                case Jb, Jz -> {
                    int rel = o == Operand.Jb ? (byte) next8() : op32 ? next32() : (short) next16();
                    int next = eip + pos;
                    target = op32 ? next + rel : (next + rel) & 0xFFFF;
                    continue;
                }
                case Ob, Ov -> {
                    hasMemory = true;
                    disp = addr32 ? next32() : next16();
                    continue;
                }
                case Ap -> {
                    imm = op32 ? next32() : next16();
                    imm2 = next16();
                    nImm = 2;
                    continue;
                }
                default -> { continue; }
            }
            if (nImm++ == 0) imm = v; else imm2 = v;
        }
        if (segOverride != Instruction.NO_SEG) seg = segOverride;
        byte[] bytes = java.util.Arrays.copyOf(buf, pos);
        return new Instruction(form, eip, pos, code32, prefixes, segOverride, op32, addr32, modrm, hasMemory,
                seg, base, index, scale, disp, imm, imm2, target, bytes);
    }

    private static boolean isPrefix(int b) {
        return switch (b) {
            case 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2, 0xF3 -> true;
            default -> false;
        };
    }
}
