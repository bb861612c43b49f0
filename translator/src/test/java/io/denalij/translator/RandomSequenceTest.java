package io.denalij.translator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denalij.cpu.CpuState;
import io.denalij.cpu.alu.Flags;
import io.denalij.cpu.decode.Decoder;
import io.denalij.cpu.decode.Form;
import io.denalij.cpu.decode.Instruction;
import io.denalij.cpu.decode.Op;
import io.denalij.cpu.decode.OpcodeTable;
import io.denalij.cpu.decode.Operand;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * The differential test: random instruction sequences over the table's forms, from random register,
 * flag and memory state, run by the reference interpreter and by their translation; the full
 * architectural state (registers, EIP, EFLAGS, instruction count, the fault if any, all of RAM)
 * must agree after every sequence.
 */
class RandomSequenceTest {
    private static final int CODE = 0x1000;

    private static final Set<Op> BODY = EnumSet.of(Op.ADD, Op.OR, Op.ADC, Op.SBB, Op.AND, Op.SUB, Op.XOR, Op.CMP,
            Op.TEST, Op.INC, Op.DEC, Op.NOT, Op.NEG, Op.MUL, Op.IMUL1, Op.IMUL, Op.DIV, Op.IDIV, Op.ROL, Op.ROR,
            Op.RCL, Op.RCR, Op.SHL, Op.SHR, Op.SAR, Op.SHLD, Op.SHRD, Op.DAA, Op.DAS, Op.AAA, Op.AAS, Op.AAM,
            Op.AAD, Op.SALC, Op.BT, Op.BTS, Op.BTR, Op.BTC, Op.BSF, Op.BSR, Op.MOV, Op.MOVSX, Op.MOVZX, Op.LEA,
            Op.XCHG, Op.CMPXCHG, Op.CMPXCHG8B, Op.XADD, Op.BSWAP, Op.CMOVCC, Op.SETCC, Op.CBW, Op.CWD, Op.LAHF,
            Op.SAHF, Op.XLAT, Op.NOP, Op.PUSH, Op.POP, Op.PUSHA, Op.POPA, Op.PUSHF, Op.ENTER, Op.LEAVE, Op.CLC,
            Op.STC, Op.CMC, Op.CLD, Op.STD, Op.MOVS, Op.CMPS, Op.STOS, Op.LODS, Op.SCAS, Op.BOUND,
            Op.MOV_FROM_SREG, Op.PUSH_SREG);
    private static final Set<Op> TERMINAL = EnumSet.of(Op.JCC, Op.JMP, Op.CALL, Op.RET, Op.LOOP, Op.LOOPE,
            Op.LOOPNE, Op.JCXZ);

    private final List<Form> body = new ArrayList<>(), terminal = new ArrayList<>();
    private final TranslationCache cache = new TranslationCache();
    private final Decoder decoder = new Decoder();

    RandomSequenceTest() {
        for (Form f : OpcodeTable.get().forms()) {
            if (BODY.contains(f.op) && !f.has(Form.BLOCK_END)) body.add(f);
            if (TERMINAL.contains(f.op)) terminal.add(f);
        }
    }

    /** One instruction of form {@code f}: random prefixes, ModRM, SIB, displacement and immediates. */
    private byte[] encode(Form f, Random rnd, int eip) {
        for (;;) {
            byte[] b = new byte[24];
            int n = 0;
            if (rnd.nextInt(7) == 0) b[n++] = 0x66;
            if (rnd.nextInt(20) == 0) b[n++] = 0x67;
            if (f.has(Form.STRING) && rnd.nextBoolean()) b[n++] = (byte) (rnd.nextBoolean() ? 0xF3 : 0xF2);
            if (f.opcode >= 0x100) b[n++] = 0x0F;
            b[n++] = (byte) f.opcode;
            if (f.hasModrm) {
                int modrm;
                if (f.exactModrm >= 0) modrm = f.exactModrm;
                else {
                    int mod = f.modFilter == 1 ? rnd.nextInt(3) : f.modFilter == 2 ? 3 : rnd.nextBoolean() ? 3 : rnd.nextInt(3);
                    int reg = f.digit >= 0 ? f.digit : rnd.nextInt(8);
                    modrm = mod << 6 | reg << 3 | rnd.nextInt(8);
                }
                b[n++] = (byte) modrm;
            }
            for (int i = n; i < b.length; i++) b[i] = (byte) rnd.nextInt(256);
            Instruction in = decoder.decode(b, 0, eip, true);
            if (in.form != f) continue; // e.g. F3 90 is PAUSE
            byte[] out = new byte[in.length];
            System.arraycopy(b, 0, out, 0, in.length);
            return out;
        }
    }

    private static void randomState(CpuState s, Random rnd) {
        for (int i = 0; i < 8; i++) {
            int kind = rnd.nextInt(10);
            s.gpr[i] = kind < 6 ? 0x8000 + rnd.nextInt(0x70000) : kind < 8 ? rnd.nextInt() : rnd.nextInt(20);
        }
        s.gpr[CpuState.ESP] = 0x7F000 - 4 * rnd.nextInt(64);
        s.gpr[CpuState.EBP] = 0x7F000 + 4 * rnd.nextInt(64);
        if (rnd.nextBoolean()) s.gpr[CpuState.ECX] = rnd.nextInt(12);
        int df = rnd.nextInt(4) == 0 ? CpuState.DF : 0;
        if (rnd.nextBoolean()) {
            Flags.set(s, (rnd.nextInt() & CpuState.ARITH_FLAGS) | df);
        } else {
            Flags.set(s, df);
            s.lazyOp = 1 + rnd.nextInt(7);
            s.lazyResult = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt();
            s.lazySrc1 = rnd.nextInt(4) == 0 ? s.lazyResult : rnd.nextInt();
            s.lazySrc2 = s.lazyOp == Flags.INC || s.lazyOp == Flags.DEC ? rnd.nextInt(2) : rnd.nextInt();
            if (s.lazyOp == Flags.RESULT) s.lazySrc1 &= CpuState.CF | CpuState.AF | CpuState.OF;
        }
    }

    @Test void thousandsOfRandomSequencesAgreeWithTheInterpreter() {
        Random rnd = new Random(0xD1FF);
        byte[] data = new byte[GuestPair.RAM];
        rnd.nextBytes(data);
        int translatedInline = 0, sequences = 4000;
        for (int seq = 0; seq < sequences; seq++) {
            long seed = rnd.nextLong();
            Random r = new Random(seed);
            byte[] code = new byte[512];
            int len = 0, count = 1 + r.nextInt(10);
            for (int i = 0; i < count; i++) {
                byte[] in = encode(body.get(r.nextInt(body.size())), r, CODE + len);
                System.arraycopy(in, 0, code, len, in.length);
                len += in.length;
            }
            if (r.nextInt(10) < 7) {
                count++;
                byte[] in = encode(terminal.get(r.nextInt(terminal.size())), r, CODE + len);
                if (r.nextBoolean() && (in[in.length - 1] & 0xFF) < 0x100 && in.length == 2 && in[0] != 0x0F) {
                    in[1] = (byte) (-(len + 2)); // a short branch back to the start: a loop
                }
                System.arraycopy(in, 0, code, len, in.length);
                len += in.length;
            }
            GuestPair ref = new GuestPair(), jit = new GuestPair();
            ref.ram.load(0, data, 0, data.length);
            jit.ram.load(0, data, 0, data.length);
            ref.ram.load(CODE, code, 0, len);
            jit.ram.load(CODE, code, 0, len);
            long stateSeed = r.nextLong();
            randomState(ref.s, new Random(stateSeed));
            randomState(jit.s, new Random(stateSeed));
            Instruction[] block = ref.decodeBlock(CODE, count);
            Op[] ops = GuestPair.ops(block);
            TranslatedBlock t = cache.translate(block, ops);
            assertTrue(t != null, "block refused");
            block = t.instructions();
            for (Instruction in : block) if (new InstructionEmitter(null).canInline(in, in.op)) translatedInline++;
            ref.ram.writeWatch().watch(1);
            jit.ram.writeWatch().watch(1);
            jit.ctx.enter(1, jit.ram.writeWatch().generation(1), -1, 0);
            long stopAt = 40L * block.length;
            RuntimeException refFault = runReference(ref, block, stopAt);
            RuntimeException jitFault = jit.translated(t, stopAt);
            String where = String.format("sequence %d (seed %x): %s", seq, seed, disassemble(block));
            assertEquals(ref.snapshot(refFault), jit.snapshot(jitFault), where);
            assertTrue(GuestPair.sameMemory(ref, jit), "memory differs after " + where);
        }
        assertTrue(translatedInline > sequences * 2, "too few instructions were translated inline: " + translatedInline);
    }

    /** The interpreter's loop: passes over the block while it branches to its own start and a whole pass fits. */
    private static RuntimeException runReference(GuestPair g, Instruction[] block, long stopAt) {
        int gen = g.ram.writeWatch().generation(1);
        boolean writes = false;
        for (Instruction in : block) writes |= in.mayWriteMemory;
        for (;;) {
            Op[] ops = GuestPair.ops(block);
            long start = g.s.icount;
            for (int i = 0; i < block.length; i++) {
                try {
                    g.s.eip = block[i].nextEip;
                    g.interpreter.execute(block[i], ops[i]);
                } catch (RuntimeException e) {
                    g.s.eip = block[i].eip;
                    g.s.icount = start + i;
                    return e;
                }
                if (block[i].mayWriteMemory && i + 1 < block.length && g.ram.writeWatch().generation(1) != gen) {
                    g.s.icount = start + i + 1;
                    g.s.eip = block[i].nextEip;
                    return null;
                }
            }
            g.s.icount = start + block.length;
            if (g.s.eip != block[0].eip || !loopsToItself(block) || g.s.icount + block.length > stopAt
                    || writes && g.ram.writeWatch().generation(1) != gen || !repeatable(block)) {
                return null;
            }
        }
    }

    private static boolean repeatable(Instruction[] block) {
        InstructionEmitter e = new InstructionEmitter(null);
        for (Instruction in : block) if (!e.canInline(in, in.op) && !InstructionEmitter.quiet(in.op)) return false;
        return true;
    }

    private static String disassemble(Instruction[] block) {
        StringBuilder b = new StringBuilder();
        for (Instruction in : block) b.append("\n  ").append(Integer.toHexString(in.eip)).append(": ")
                .append(in.hexBytes()).append("  ").append(in);
        return b.toString();
    }

    /** True when the block ends in a branch back to its own first instruction (a loop its translation repeats in place). */
    private static boolean loopsToItself(Instruction[] code) {
        Instruction last = code[code.length - 1];
        return switch (last.op) {
            case JCC, JMP, LOOP, LOOPE, LOOPNE, JCXZ -> last.form.operand(0) != Operand.Ev && last.target == code[0].eip;
            default -> false;
        };
    }
}
