package io.denalij.translator;

import static org.objectweb.asm.Opcodes.*;

import io.denalij.cpu.CpuState;
import io.denalij.cpu.decode.Instruction;
import io.denalij.cpu.decode.Op;

import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns one decoded guest block into the bytes of a {@link TranslatedBlock} subclass.
 *
 * <p>Shape of the generated {@code run}: the eight registers and the four lazy-flag fields are
 * loaded into JVM locals; each instruction is either emitted inline by {@link InstructionEmitter}
 * (the common integer forms, memory through {@code Memory}'s TLB fast path, which HotSpot inlines)
 * or handed to the reference interpreter with the state written back and reloaded around the call.
 * One exception handler covers the whole body: it writes the locals back, puts EIP and the
 * instruction count at the instruction whose index is in the {@code idx} local, and rethrows.
 * Every inline instruction does all its faulting accesses before it changes a local, so the
 * locals at the handler are the state before the faulting instruction (precise exceptions).
 *
 * <p>Not thread-safe; one per translating thread.
 */
public final class BlockTranslator {
    static final String BASE = Type.getInternalName(TranslatedBlock.class);
    static final String CTX = Type.getInternalName(JitContext.class);
    static final String STATE = Type.getInternalName(CpuState.class);
    static final String INSN = Type.getInternalName(Instruction.class);
    static final String OP = Type.getInternalName(Op.class);

    // local variable slots of run(JitContext ctx, long stopAt)
    static final int THIS = 0, L_CTX = 1, L_STOP = 2, L_S = 4, L_MEM = 5, L_REG = 6, L_FOP = 14, L_FRES = 15,
            L_FS1 = 16, L_FS2 = 17, L_IDX = 18, L_ICOUNT = 19, L_GPR = 21, L_A = 22, L_B = 23, L_R = 24, L_EA = 25,
            L_NEIP = 26, L_T = 27, L_EXC = 28, L_PAGES = 29, L_TAGS = 30, L_XCOUNT = 42, L_XRET = 44, L_STACK32 = 45;

    /** The local holding {@link JitContext#tags} for a read or a write through segment {@code seg}. */
    static int tagsLocal(int seg, boolean write) { return L_TAGS + 2 * seg + (write ? 1 : 0); }

    /** Bit of {@link #usedLocals} for tag local {@code L_TAGS + k}; registers use bits 0 to 7. */
    private static final int TAG_BIT = 8;
    /** Bit of {@link #usedLocals} for register {@code i} being written by inline code (bits 20 to 27). */
    private static final int WRITTEN_BIT = 20;
    /** Bit of {@link #usedLocals} for {@code L_STACK32}, read where ESP moves by a constant (POP, RET). */
    private static final int STACK32_BIT = 28;

    /** Marks {@code idx} while the interpreter runs an instruction: the state, not the locals, is then current. */
    static final int IN_INTERPRETER = 1 << 16;

    /** Generated methods above this many bytes of class file are refused, to stay under HugeMethodLimit (8000). */
    static final int MAX_CLASS_BYTES = 7500;

    /** The class file for the one block {@code code}, or null when it would be too large for C2 to compile. */
    public byte[] translate(String internalName, Instruction[] code, Op[] ops) {
        return translate(internalName, Region.single(code, ops));
    }

    /** The class file for {@code region}, or null when it would be too large for C2 to compile. */
    byte[] translate(String internalName, Region region) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
            @Override protected String getCommonSuperClass(String a, String b) { return "java/lang/Object"; }
        };
        cw.visit(V25, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, internalName, null, BASE, null);
        constructor(cw);
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "run", "(L" + CTX + ";J)Z", null, null);
        mv.visitCode();
        new Body(mv, region, usedLocals(region.code, region.ops)).emit();
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        byte[] bytes = cw.toByteArray();
        return bytes.length > MAX_CLASS_BYTES ? null : bytes;
    }

    /**
     * The registers the inline instructions touch (bits 0 to 7), the segment tag locals they read
     * (bits {@link #TAG_BIT} to +11), the registers they write (bits {@link #WRITTEN_BIT} to +7) and
     * whether a POP or RET reads {@code L_STACK32} ({@link #STACK32_BIT}, fetched with the tags):
     * only the registers touched live in locals, so only those are loaded at entry and after
     * interpreter calls, and only those written are stored back at exits and before interpreter
     * calls (the interpreter finds the others current in the state); only the tags read are
     * fetched. Found by a dry run of the emitter.
     */
    static int usedLocals(Instruction[] code, Op[] ops) {
        int[] used = {0};
        MethodVisitor recorder = new MethodVisitor(ASM9) {
            @Override public void visitVarInsn(int opcode, int var) {
                if (var >= L_REG && var < L_REG + 8) used[0] |= 1 << (var - L_REG);
                if (var >= L_REG && var < L_REG + 8 && opcode == ISTORE) used[0] |= 1 << (WRITTEN_BIT + var - L_REG);
                if (var >= L_TAGS && var < L_TAGS + 12) used[0] |= 1 << (TAG_BIT + var - L_TAGS);
                if (var == L_STACK32) used[0] |= 1 << STACK32_BIT;
            }
        };
        InstructionEmitter dry = new InstructionEmitter(recorder);
        for (int k = 0; k < code.length; k++) {
            if (!dry.canInline(code[k], ops[k])) continue;
            // both ways an instruction can be emitted (inside a block, or at its end): a register
            // written by either is written back
            dry.instruction(code[k], ops[k], false);
            dry.instruction(code[k], ops[k], true);
        }
        return used[0];
    }

    private static void constructor(ClassWriter cw) {
        String desc = "([L" + INSN + ";[L" + OP + ";II)V";
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "<init>", desc, null, null);
        mv.visitCode();
        mv.visitVarInsn(ALOAD, 0);
        mv.visitVarInsn(ALOAD, 1);
        mv.visitVarInsn(ALOAD, 2);
        mv.visitVarInsn(ILOAD, 3);
        mv.visitVarInsn(ILOAD, 4);
        mv.visitMethodInsn(INVOKESPECIAL, BASE, "<init>", desc, false);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /**
     * The code of one run method. {@code L_ICOUNT} holds the instruction count minus the region
     * index of the running block's first instruction, so that instruction {@code g} of the region
     * (the value of {@code idx}) always runs with the count {@code L_ICOUNT + g}; going from one
     * block to another adds a constant to it.
     */
    private static final class Body {
        private final MethodVisitor mv;
        private final Region region;
        private final Instruction[] code;
        private final Op[] ops;
        private final InstructionEmitter emit;
        /** The one copy of the write-back every exit jumps to (see {@link #exitVia}). */
        private final Label tail = new Label();

        /** {@link Region#longestRuns} of the region. */
        private final int[] longestRuns;

        /** Registers kept in locals and tags fetched (see {@link #usedLocals}). */
        private final int used;

        Body(MethodVisitor mv, Region region, int used) {
            this.mv = mv;
            this.used = used;
            this.region = region;
            this.code = region.code;
            this.ops = region.ops;
            this.longestRuns = region.longestRuns();
            this.emit = new InstructionEmitter(mv);
        }

        void emit() {
            int blocks = region.blocks();
            prologue();
            Label tryStart = new Label(), tryEnd = new Label(), handler = new Label();
            Label[] entry = new Label[blocks];
            for (int j = 0; j < blocks; j++) entry[j] = new Label();
            mv.visitTryCatchBlock(tryStart, tryEnd, handler, null);
            mv.visitLabel(tryStart);
            for (int j = 0; j < blocks; j++) {
                mv.visitLabel(entry[j]);
                emit.forgetFlags(); // reached from several places: nothing is known about the flags here
                block(j, entry);
            }
            mv.visitLabel(tryEnd);
            exitTail();
            faultHandler(handler);
        }

        /** Block {@code j}: its instructions, then on to a member or out. */
        private void block(int j, Label[] entry) {
            int from = region.start[j], to = region.start[j + 1];
            boolean writes = false;
            boolean[] flagsDead = DeadFlags.of(code, ops, from, to, emit);
            for (int k = from; k < to; k++) {
                Instruction in = code[k];
                emit.iconst(k);
                mv.visitVarInsn(ISTORE, L_IDX);
                boolean last = k == to - 1;
                if (emit.canInline(in, ops[k])) emit.instruction(in, ops[k], last, flagsDead[k - from]);
                else fallback(k, last);
                if (in.mayWriteMemory) {
                    writes = true;
                    if (!last) codeWriteCheck(k);
                }
            }
            Instruction lastIn = code[to - 1];
            if (!InstructionEmitter.setsNextEip(lastIn, ops[to - 1], emit.canInline(lastIn, ops[to - 1]))) {
                emit.iconst(lastIn.nextEip);
                mv.visitVarInsn(ISTORE, L_NEIP);
            }
            if (region.continues(j)) successors(j, writes, entry);
            exitVia(to, NEIP_SET, true);
        }

        /**
         * Jumps to the member at the next EIP when there is one: compares with the static successors,
         * or a switch over every member after a RET or an indirect branch. Falls through when the
         * next EIP is no member.
         */
        private void successors(int j, boolean writes, Label[] entry) {
            List<Integer> targets = region.memberTargets(j);
            if (targets.isEmpty()) return;
            Label none = new Label();
            Label[] go = new Label[targets.size()];
            for (int t = 0; t < go.length; t++) go[t] = new Label();
            if (region.dynamicEnd(j) && targets.size() > 2) {
                Integer[] order = targets.toArray(new Integer[0]);
                java.util.Arrays.sort(order, java.util.Comparator.comparingInt(region::eip));
                int[] keys = new int[order.length];
                Label[] labels = new Label[order.length];
                for (int t = 0; t < order.length; t++) {
                    keys[t] = region.eip(order[t]);
                    labels[t] = go[targets.indexOf(order[t])];
                }
                mv.visitVarInsn(ILOAD, L_NEIP);
                mv.visitLookupSwitchInsn(none, keys, labels);
            } else {
                for (int t = 0; t < go.length; t++) {
                    mv.visitVarInsn(ILOAD, L_NEIP);
                    emit.iconst(region.eip(targets.get(t)));
                    mv.visitJumpInsn(IF_ICMPEQ, go[t]);
                }
                mv.visitJumpInsn(GOTO, none);
            }
            int end = region.start[j + 1];
            for (int t = 0; t < go.length; t++) {
                int m = targets.get(t);
                mv.visitLabel(go[t]);
                transition(end, m, m <= j, writes, entry[m]);
            }
            mv.visitLabel(none);
        }

        /**
         * From the end of a block (region index {@code end}) to member {@code m}: re-bases the count,
         * then leaves at m's start when its code was written or, on a step back ({@code check}:
         * to a member of the same or a lower index), when the longest forward run from m
         * ({@link Region#longestRuns}) does not fit before {@code stopAt} (the executor then runs
         * it, or stops); otherwise goes there. A step forward needs no budget check: the check at
         * the last step back, or the executor's at entry, left room for it.
         */
        private void transition(int end, int m, boolean check, boolean writes, Label target) {
            int start = region.start[m];
            if (end != start) {
                mv.visitVarInsn(LLOAD, L_ICOUNT);
                emit.lconst(end - start);
                mv.visitInsn(LADD);
                mv.visitVarInsn(LSTORE, L_ICOUNT);
            }
            Label leave = new Label();
            if (writes) {
                mv.visitVarInsn(ALOAD, L_CTX);
                mv.visitMethodInsn(INVOKEVIRTUAL, CTX, "codeChanged", "()Z", false);
                mv.visitJumpInsn(IFNE, leave);
            }
            if (check) {
                // count + start + onLeft <= stopAt - (longest run - onLeft). For a block that loops
                // on itself onLeft is its length: the left side is then the count after the next
                // pass, which C2 has anyway, and the right side does not change in the loop (with the
                // whole longest run on the left, alu's loop kept one more long alive: 0.35 s a pass
                // against 0.29-0.31 this way, alternating runs). For other steps back onLeft is the
                // longest run: one bound per target made the bytecode VM's 16-block region go
                // 1.3 -> 1.9 s a pass.
                boolean selfLoop = end == region.start[m + 1];
                int onLeft = selfLoop ? region.length(m) : longestRuns[m];
                mv.visitVarInsn(LLOAD, L_ICOUNT);
                emit.lconst(start + onLeft);
                mv.visitInsn(LADD);
                mv.visitVarInsn(LLOAD, L_STOP);
                if (longestRuns[m] != onLeft) {
                    emit.lconst(longestRuns[m] - onLeft);
                    mv.visitInsn(LSUB);
                }
                mv.visitInsn(LCMP);
                mv.visitJumpInsn(IFLE, target);
            } else {
                mv.visitJumpInsn(GOTO, target);
            }
            mv.visitLabel(leave);
            exitVia(start, region.eip(m), true);
        }

        private void prologue() {
            mv.visitVarInsn(ALOAD, L_CTX);
            mv.visitFieldInsn(GETFIELD, CTX, "s", "L" + STATE + ";");
            mv.visitVarInsn(ASTORE, L_S);
            mv.visitVarInsn(ALOAD, L_CTX);
            mv.visitFieldInsn(GETFIELD, CTX, "mem", "Lio/denalij/cpu/Memory;");
            mv.visitVarInsn(ASTORE, L_MEM);
            mv.visitVarInsn(ALOAD, L_S);
            mv.visitFieldInsn(GETFIELD, STATE, "gpr", "[I");
            mv.visitVarInsn(ASTORE, L_GPR);
            mv.visitVarInsn(ALOAD, L_CTX);
            mv.visitFieldInsn(GETFIELD, CTX, "pages", "[[B");
            mv.visitVarInsn(ASTORE, L_PAGES);
            mv.visitVarInsn(ALOAD, L_S);
            mv.visitFieldInsn(GETFIELD, STATE, "icount", "J");
            mv.visitVarInsn(LSTORE, L_ICOUNT);
            for (int t : new int[] {L_IDX, L_A, L_B, L_R, L_EA, L_NEIP, L_T, L_XRET}) {
                mv.visitInsn(ICONST_0);
                mv.visitVarInsn(ISTORE, t);
            }
            mv.visitInsn(LCONST_0);
            mv.visitVarInsn(LSTORE, L_XCOUNT);
            reload();
        }

        /** Locals from the state (entry, and after the interpreter ran an instruction: it may have loaded a segment or changed CPL). */
        private void reload() {
            for (int i = 0; i < 8; i++) {
                if ((used & 1 << i) == 0) continue;
                mv.visitVarInsn(ALOAD, L_GPR);
                emit.iconst(i);
                mv.visitInsn(IALOAD);
                mv.visitVarInsn(ISTORE, L_REG + i);
            }
            if ((used & 1 << STACK32_BIT) != 0) {
                mv.visitVarInsn(ALOAD, L_CTX);
                mv.visitMethodInsn(INVOKEVIRTUAL, CTX, "stack32", "()Z", false);
                mv.visitVarInsn(ISTORE, L_STACK32);
            }
            for (int k = 0; k < 12; k++) {
                if ((used & 1 << (TAG_BIT + k)) == 0) continue;
                mv.visitVarInsn(ALOAD, L_CTX);
                emit.iconst(k >> 1);
                emit.iconst(k & 1);
                mv.visitMethodInsn(INVOKEVIRTUAL, CTX, "tags", "(IZ)[I", false);
                mv.visitVarInsn(ASTORE, L_TAGS + k);
            }
            emit.loadFlags();
        }

        /**
         * Locals to the state: the registers inline code writes (a register it only reads still
         * holds what was loaded at entry or after the last interpreter call, which is the state's).
         */
        private void writeBack() {
            for (int i = 0; i < 8; i++) {
                if ((used & 1 << (WRITTEN_BIT + i)) == 0) continue;
                mv.visitVarInsn(ALOAD, L_GPR);
                emit.iconst(i);
                mv.visitVarInsn(ILOAD, L_REG + i);
                mv.visitInsn(IASTORE);
            }
            emit.spillFlags();
        }

        /** For {@link #exitVia}: the next EIP is already in {@code L_NEIP}. */
        private static final int NEIP_SET = -1;

        /**
         * Leaves the translation with the instructions before region index {@code retired} retired,
         * EIP at {@code eip} (or {@code L_NEIP} for {@link #NEIP_SET}) and {@code result} returned.
         * Every exit is these few stores and a jump to one shared write-back, which keeps methods
         * small: exits are many (after each store, at every transition, at each block's end).
         */
        private void exitVia(int retired, int eip, boolean result) {
            emit.lconst(retired);
            mv.visitVarInsn(LSTORE, L_XCOUNT);
            if (eip != NEIP_SET) {
                emit.iconst(eip);
                mv.visitVarInsn(ISTORE, L_NEIP);
            }
            mv.visitInsn(result ? ICONST_1 : ICONST_0);
            mv.visitVarInsn(ISTORE, L_XRET);
            mv.visitJumpInsn(GOTO, tail);
        }

        /** Registers, flags, the count and EIP to the state, then return: the target of every {@link #exitVia}. */
        private void exitTail() {
            mv.visitLabel(tail);
            writeBack();
            mv.visitVarInsn(ALOAD, L_S);
            mv.visitVarInsn(LLOAD, L_ICOUNT);
            mv.visitVarInsn(LLOAD, L_XCOUNT);
            mv.visitInsn(LADD);
            mv.visitFieldInsn(PUTFIELD, STATE, "icount", "J");
            mv.visitVarInsn(ALOAD, L_S);
            mv.visitVarInsn(ILOAD, L_NEIP);
            mv.visitFieldInsn(PUTFIELD, STATE, "eip", "I");
            mv.visitVarInsn(ILOAD, L_XRET);
            mv.visitInsn(IRETURN);
        }

        /** Instruction {@code k} through the interpreter, as the interpreter's own loop would run it. */
        private void fallback(int k, boolean last) {
            Instruction in = code[k];
            writeBack();
            mv.visitVarInsn(ALOAD, L_S);
            emit.iconst(in.nextEip);
            mv.visitFieldInsn(PUTFIELD, STATE, "eip", "I");
            mv.visitVarInsn(ALOAD, L_S);
            mv.visitVarInsn(LLOAD, L_ICOUNT);
            emit.lconst(k);
            mv.visitInsn(LADD);
            mv.visitFieldInsn(PUTFIELD, STATE, "icount", "J");
            emit.iconst(k | IN_INTERPRETER); // a fault now finds the state already written back (and maybe advanced: REP)
            mv.visitVarInsn(ISTORE, L_IDX);
            mv.visitVarInsn(ALOAD, L_CTX);
            mv.visitVarInsn(ALOAD, THIS);
            mv.visitFieldInsn(GETFIELD, BASE, "code", "[L" + INSN + ";");
            emit.iconst(k);
            mv.visitInsn(AALOAD);
            mv.visitVarInsn(ALOAD, THIS);
            mv.visitFieldInsn(GETFIELD, BASE, "ops", "[L" + OP + ";");
            emit.iconst(k);
            mv.visitInsn(AALOAD);
            mv.visitMethodInsn(INVOKEVIRTUAL, CTX, "interpret", "(L" + INSN + ";L" + OP + ";)V", false);
            reload();
            emit.iconst(k);
            mv.visitVarInsn(ISTORE, L_IDX);
            if (last) {
                mv.visitVarInsn(ALOAD, L_S);
                mv.visitFieldInsn(GETFIELD, STATE, "eip", "I");
                mv.visitVarInsn(ISTORE, L_NEIP);
            }
        }

        /** After a store that may have hit this block's own code: leave before the next instruction if it did. */
        private void codeWriteCheck(int k) {
            Label same = new Label();
            mv.visitVarInsn(ALOAD, L_CTX);
            mv.visitMethodInsn(INVOKEVIRTUAL, CTX, "codeChanged", "()Z", false);
            mv.visitJumpInsn(IFEQ, same);
            exitVia(k + 1, code[k].nextEip, false);
            mv.visitLabel(same);
        }

        /** The precise-exception path: state as before instruction {@code idx}, then rethrow. */
        private void faultHandler(Label handler) {
            mv.visitLabel(handler);
            mv.visitVarInsn(ASTORE, L_EXC);
            Label synced = new Label();
            mv.visitVarInsn(ILOAD, L_IDX);
            emit.iconst(IN_INTERPRETER);
            mv.visitInsn(IAND);
            mv.visitJumpInsn(IFNE, synced);
            writeBack();
            mv.visitLabel(synced);
            mv.visitVarInsn(ILOAD, L_IDX);
            emit.iconst(IN_INTERPRETER - 1);
            mv.visitInsn(IAND);
            mv.visitVarInsn(ISTORE, L_IDX);
            mv.visitVarInsn(ALOAD, L_S);
            mv.visitVarInsn(LLOAD, L_ICOUNT);
            mv.visitVarInsn(ILOAD, L_IDX);
            mv.visitInsn(I2L);
            mv.visitInsn(LADD);
            mv.visitFieldInsn(PUTFIELD, STATE, "icount", "J");
            mv.visitVarInsn(ALOAD, L_S);
            mv.visitVarInsn(ALOAD, THIS);
            mv.visitFieldInsn(GETFIELD, BASE, "code", "[L" + INSN + ";");
            mv.visitVarInsn(ILOAD, L_IDX);
            mv.visitInsn(AALOAD);
            mv.visitFieldInsn(GETFIELD, INSN, "eip", "I");
            mv.visitFieldInsn(PUTFIELD, STATE, "eip", "I");
            mv.visitVarInsn(ALOAD, L_EXC);
            mv.visitInsn(ATHROW);
        }
    }
}
