package io.denalij.translator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denalij.cpu.CpuState;
import io.denalij.cpu.api.Register;
import io.denalij.cpu.api.X86Machine;
import io.denalij.cpu.alu.Flags;
import io.denalij.cpu.ExecutionEngine;
import io.denalij.cpu.decode.Decoder;
import io.denalij.cpu.decode.Instruction;
import io.denalij.cpu.decode.Op;
import io.denalij.cpu.exec.CodeCache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.IntFunction;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Translations that span several blocks (a {@link Region}): programs whose hot loops are made of
 * more than one block run under the executor with the JIT (every block translated at its first
 * run) and with the interpreter alone, in the same slices of instructions, and must agree after
 * every slice on every register, EIP, EFLAGS, the instruction count, how the run ended and memory.
 * Slices of random length put the budget at every kind of place: inside a member, at a block
 * boundary, at the region's entry.
 */
class RegionTest {
    private static final int CODE = 0x1000, DATA = 0x8000;

    /** Sources are in the comments; assembled with {@code as --32} (Intel syntax) and copied here. */
    private static byte[] program(String name) {
        return GuestPair.hex(switch (name) {
            //   mov ecx, 200 / outer: mov edx, 50 / inner: mov eax, edx ; and eax, 1 ; jz even
            //   add ebx, edx ; jmp next / even: sub esi, edx ; xor edi, ebx
            //   next: mov [0x8000 + edx*4], ebx ; dec edx ; jnz inner / loop outer / hlt
            case "nested-if" -> "b9 c8 00 00 00 ba 32 00 00 00 89 d0 83 e0 01 74 04 01 d3 eb 04 29 d6 31 df"
                    + " 89 1c 95 00 80 00 00 4a 75 e7 e2 e0 f4";
            //   mov ecx, 1000 / top: push ecx ; call f ; add esp, 4 ; dec ecx ; jnz top / hlt
            //   f: mov eax, [esp+4] ; imul eax, eax ; add ebx, eax ; ret
            case "call-ret" -> "b9 e8 03 00 00 51 e8 07 00 00 00 83 c4 04 49 75 f4 f4 8b 44 24 04 0f af c0 01 c3 c3";
            //   mov ecx, 10 / top: mov edi, ecx ; sub edi, 5 ; test ecx, 1 ; jz even
            //   mov eax, 1000 ; xor edx, edx ; div edi (#DE when ecx = 5) ; add esi, eax
            //   even: dec ecx ; jnz top / hlt
            case "fault-in-member" -> "b9 0a 00 00 00 89 cf 83 ef 05 f7 c1 01 00 00 00 74 0b b8 e8 03 00 00 31 d2"
                    + " f7 f7 01 c6 49 75 e5 f4";
            //   mov ecx, 100 / top: mov eax, ecx ; and eax, 3 ; mov [imm of patch], al ; jmp patch
            //   patch: add ebx, 0 ; dec ecx ; jnz top / hlt        (ebx = sum of ecx & 3)
            case "patches-member" -> "b9 64 00 00 00 89 c8 83 e0 03 a2 13 10 00 00 eb 00 83 c3 00 49 75 ee f4";
            //   mov ecx, 300 / top: mov eax, ecx ; and eax, 3 ; jmp [0x1100 + eax*4]
            //   h0: add ebx, 1 ; jmp next / h1: add ebx, 10 ; jmp next / h2: sub ebx, 3 ; jmp next
            //   h3: xor ebx, ecx / next: dec ecx ; jnz top / hlt      (table at 0x1100: h0 h1 h2 h3)
            case "jump-table" -> "b9 2c 01 00 00 89 c8 83 e0 03 ff 24 85 00 11 00 00 83 c3 01 eb 0c 83 c3 0a eb 07"
                    + " 83 eb 03 eb 02 31 cb 49 75 e0 f4";
            //   xor ebx, ebx / outer: mov ecx, 7 / top: add eax, ecx ; dec ecx ; jnz top
            //   add esi, eax ; xor edi, esi ; add edi, 3 ; inc ebx ; cmp ebx, 200 ; jb outer / hlt
            //   (top loops on itself; the block after it runs on without a budget check of its own)
            case "loop-then-tail" -> "31 db b9 07 00 00 00 01 c8 49 75 fb 01 c6 31 f7 83 c7 03 43 81 fb c8 00 00 00 72 e6 f4";
            default -> throw new IllegalArgumentException(name);
        });
    }

    /** The jump table of "jump-table". */
    private static final byte[] TABLE = GuestPair.hex("11 10 00 00 16 10 00 00 1b 10 00 00 20 10 00 00");

    private static X86Machine machine(String name, JitEngine jit) {
        X86Machine m = X86Machine.flat32(1 << 20).write(CODE, program(name)).write(CODE + 0x100, TABLE).set(Register.EIP, CODE);
        if (jit != null) m.cpu().setEngine(jit);
        return m;
    }

    private static String state(X86Machine m, X86Machine.Result r) {
        CpuState s = m.state();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) b.append(CpuState.REG32[i]).append('=').append(Integer.toHexString(s.gpr[i])).append(' ');
        return b.append("eip=").append(Integer.toHexString(s.eip)).append(" eflags=").append(Integer.toHexString(Flags.get(s)))
                .append(" icount=").append(s.icount).append(" stop=").append(r.stop()).append(' ').append(r.detail()).toString();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nested-if", "call-ret", "fault-in-member", "patches-member", "jump-table", "loop-then-tail"})
    void sameStateAsTheInterpreterAfterEverySlice(String name) {
        Random rnd = new Random(name.hashCode());
        for (int trial = 0; trial < 6; trial++) {
            List<Long> slices = new ArrayList<>();
            for (int i = 0; i < 400; i++) slices.add(trial == 0 ? 1_000_000L : 1L + rnd.nextInt(trial * 9));
            JitEngine jit = new JitEngine(1);
            X86Machine a = machine(name, null), b = machine(name, jit);
            slices.add(10_000_000L); // then the rest in one go
            X86Machine.Result ra = null;
            for (long n : slices) {
                ra = a.run(n);
                X86Machine.Result rb = b.run(n);
                assertEquals(state(a, ra), state(b, rb), name + ", trial " + trial + ", after " + a.state().icount);
                if (ra.stop() != X86Machine.Stop.COUNT_REACHED) break;
            }
            assertArrayEquals(a.read(0, 0x10000), b.read(0, 0x10000), name + ": memory");
            assertEquals(name.equals("fault-in-member") ? X86Machine.Stop.TRIPLE_FAULT : X86Machine.Stop.HALTED, ra.stop(),
                    name + " ends at its hlt (fault-in-member: its #DE, with no IDT)");
            TranslationCache.Stats st = jit.cache().stats();
            assertTrue(st.blocks() > st.translated(), "some translation covers several blocks: " + st);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nested-if", "call-ret", "patches-member", "jump-table"})
    void knownResults(String name) {
        X86Machine m = machine(name, new JitEngine(1));
        assertEquals(X86Machine.Stop.HALTED, m.run(10_000_000).stop());
        switch (name) {
            case "nested-if" -> {
                int ebx = 0;
                for (int outer = 0; outer < 200; outer++) for (int edx = 50; edx > 0; edx--) if ((edx & 1) != 0) ebx += edx;
                assertEquals(ebx, m.get(Register.EBX));
                assertEquals(ebx, m.read32(DATA + 4));
            }
            case "call-ret" -> {
                int ebx = 0;
                for (int c = 1; c <= 1000; c++) ebx += c * c;
                assertEquals(ebx, m.get(Register.EBX));
            }
            case "patches-member" -> {
                int ebx = 0;
                for (int c = 1; c <= 100; c++) ebx += c & 3;
                assertEquals(ebx, m.get(Register.EBX));
            }
            case "jump-table" -> {
                int ebx = 0;
                for (int c = 300; c > 0; c--) {
                    switch (c & 3) {
                        case 0 -> ebx += 1;
                        case 1 -> ebx += 10;
                        case 2 -> ebx -= 3;
                        default -> ebx ^= c;
                    }
                }
                assertEquals(ebx, m.get(Register.EBX));
            }
            default -> throw new AssertionError(name);
        }
    }

    /**
     * Members are chosen by how often they ran: the head {@code test eax, eax ; jz taken} has the
     * branch target first in search order, but when only one member fits, the fall-through that ran
     * 50 times joins instead of the target that never ran; with equal counts the search order decides.
     */
    @Test
    void theHotterSuccessorJoinsFirst() {
        //   0x1000: test eax, eax ; jz 0x1010 / 0x1004: inc ebx ; jmp 0x1000 / ... / 0x1010: dec ebx ; jmp 0x1000
        byte[] code = new byte[0x20];
        byte[] head = GuestPair.hex("85 c0 74 0c"), fall = GuestPair.hex("43 eb f9"), taken = GuestPair.hex("4b eb ed");
        System.arraycopy(head, 0, code, 0, head.length);
        System.arraycopy(fall, 0, code, 4, fall.length);
        System.arraycopy(taken, 0, code, 0x10, taken.length);
        Decoder d = new Decoder();
        IntFunction<Instruction[]> block = at -> {
            List<Instruction> b = new ArrayList<>();
            int off = at - CODE;
            for (;;) {
                Instruction in = d.decode(code, off, CODE + off, true);
                b.add(in);
                off += in.length;
                if (CodeCache.endsBlock(in) || in.op == Op.JCC
                        || in.op == Op.JMP) return b.toArray(new Instruction[0]);
            }
        };
        Function<Instruction[], Op[]> ops =
                b -> Arrays.stream(b).map(in -> in.op).toArray(Op[]::new);
        for (int[] runs : new int[][] {{0, 50}, {50, 0}, {7, 7}}) { // runs of {taken, fall-through}
            ExecutionEngine.Neighbours n = eip -> {
                Instruction[] b = block.apply(eip);
                return new ExecutionEngine.Code(b, ops.apply(b), eip == CODE + 0x10 ? runs[0] : runs[1]);
            };
            Instruction[] h = block.apply(CODE);
            Region r = Region.discover(h, ops.apply(h), n, 2);
            int expected = runs[1] > runs[0] ? CODE + 4 : CODE + 0x10;
            assertEquals(2, r.blocks(), "runs " + Arrays.toString(runs));
            assertEquals(expected, r.eip(1), "member chosen with runs " + Arrays.toString(runs));
        }
    }

    /**
     * A dispatch loop through a jump table becomes one region: once the handlers have run, the
     * translation of the table jump's block takes the table's targets as members (read from guest
     * memory), so the loop stays in one JVM method. Under the old rule (static successors only)
     * every pass went back to the executor at the table jump: 300 entries or more.
     */
    @Test
    void aLoopThroughAJumpTableStaysInOneTranslation() {
        X86Machine m = machine("jump-table", new JitEngine(8));
        assertEquals(X86Machine.Stop.HALTED, m.run(10_000_000).stop());
        long entries = m.cpu().compiledRuns();
        assertTrue(entries < 40, "entries into translated code: " + entries);
        assertTrue(m.cpu().compiledInstructions() > 1000, "the loop ran translated: " + m.cpu().compiledInstructions());
    }
}
