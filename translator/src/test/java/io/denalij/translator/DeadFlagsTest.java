package io.denalij.translator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.denalij.cpu.CpuState;
import io.denalij.cpu.decode.Instruction;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Which instructions may drop their flags ({@link DeadFlags}), and that translations which drop
 * them still end in the interpreter's state: the shift and multiply forms the emitter computes
 * without flags, at every operand size, from random values.
 */
class DeadFlagsTest {
    private final TranslationCache cache = new TranslationCache();

    private static boolean[] dead(String code) {
        GuestPair g = new GuestPair();
        byte[] b = GuestPair.hex(code);
        g.ram.load(0x1000, b, 0, b.length);
        Instruction[] block = g.decodeBlock(0x1000, 32);
        return DeadFlags.of(block, GuestPair.ops(block), 0, block.length, new InstructionEmitter(null));
    }

    @Test void flagsOverwrittenByALaterRegisterOpAreDead() {
        // imul edx, [eax-0x100] ; mov esi, edx ; add ebx, edx ; cmp eax, esi ; jne
        // (a mov sets no flags, so it counts as dead too; the add's flags are overwritten by the cmp)
        assertArrayEquals(new boolean[] {true, true, true, false, false},
                dead("0f af 90 00 ff ff ff 89 d6 01 d3 39 f0 75 e9"));
    }

    @Test void aReaderAStoreOrAnIncInBetweenKeepsThem() {
        // shl eax, 3 ; adc ebx, ecx (reads CF) ; shl eax, 3 ; mov [0x2000], eax (may fault) ; add ebx, ecx ;
        // shl eax, 3 ; inc ebx (keeps CF) ; add ebx, ecx ; jmp $
        assertArrayEquals(new boolean[] {false, false, false, true, false, false, true, false, false},
                dead("c1 e0 03 11 cb c1 e0 03 a3 00 20 00 00 01 cb c1 e0 03 43 01 cb eb fe"));
    }

    @Test void shiftsAndMultipliesWithoutFlagsGiveTheInterpretersResults() {
        // each of shl al, cl / shr bx, cl / sar edx, cl / rol esi, cl / ror edi, 5 / sar bl, cl / shr ah, 7 /
        // shl dx, cl / imul eax, edi / imul si, bx, 0x1234, followed by add ebp, ecx ; then hlt
        String[] ops = {"d2 e0", "66 d3 eb", "d3 fa", "d3 c6", "c1 cf 05", "d2 fb", "c0 ec 07", "66 d3 e2", "0f af c7",
                "66 69 f3 34 12"};
        StringBuilder text = new StringBuilder();
        for (String op : ops) text.append(op).append(" 01 cd ");
        String code = text.append("f4").toString();
        boolean[] flags = dead(code);
        for (int k = 0; k < 2 * ops.length; k += 2) assertEquals(true, flags[k], "instruction " + k);
        Random rnd = new Random(7);
        for (int round = 0; round < 300; round++) {
            GuestPair ref = new GuestPair(), jit = new GuestPair();
            long seed = rnd.nextLong();
            for (GuestPair g : new GuestPair[] {ref, jit}) {
                byte[] b = GuestPair.hex(code);
                g.ram.load(0x1000, b, 0, b.length);
                Random r = new Random(seed);
                for (int i = 0; i < 8; i++) if (i != CpuState.ESP) g.s.gpr[i] = r.nextInt();
                g.s.gpr[CpuState.ECX] = r.nextInt(40);
            }
            Instruction[] block = ref.decodeBlock(0x1000, 32);
            RuntimeException refFault = ref.interpret(block);
            RuntimeException jitFault = jit.translated(cache.translate(block, GuestPair.ops(block)), Long.MAX_VALUE);
            assertEquals(ref.snapshot(refFault), jit.snapshot(jitFault), "round " + round);
        }
    }
}
