package io.denalij.translator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import io.denalij.cpu.alu.Flags;
import io.denalij.cpu.decode.Instruction;

import org.junit.jupiter.api.Test;

class BlockTranslatorTest {
    private final TranslationCache cache = new TranslationCache();

    private TranslatedBlock load(GuestPair g, String code) {
        byte[] b = GuestPair.hex(code);
        g.ram.load(0x1000, b, 0, b.length);
        Instruction[] block = g.decodeBlock(0x1000, 32);
        TranslatedBlock t = cache.translate(block, GuestPair.ops(block));
        assertNotNull(t);
        return t;
    }

    @Test void loopSumsInPlaceAndCountsEveryInstruction() {
        GuestPair g = new GuestPair();
        // add eax, ecx ; dec ecx ; jnz -5   (ecx = 10 -> eax = 55)
        TranslatedBlock t = load(g, "01 c8 49 75 fb");
        g.s.gpr[CpuState.ECX] = 10;
        assertTrue(g.s.eip == 0x1000);
        long before = g.s.icount;
        while (g.s.eip == 0x1000) t.run(g.ctx, Long.MAX_VALUE);
        assertEquals(55, g.s.gpr[CpuState.EAX]);
        assertEquals(0, g.s.gpr[CpuState.ECX]);
        assertEquals(0x1005, g.s.eip);
        assertEquals(30, g.s.icount - before);
        assertTrue(Flags.zf(g.s));
    }

    @Test void budgetStopsTheInPlaceLoopAtAPassBoundary() {
        GuestPair g = new GuestPair();
        TranslatedBlock t = load(g, "01 c8 49 75 fb");
        g.s.gpr[CpuState.ECX] = 100;
        t.run(g.ctx, 10); // passes of 3: the first, then two more fit in 10
        assertEquals(9, g.s.icount);
        assertEquals(0x1000, g.s.eip);
        assertEquals(97, g.s.gpr[CpuState.ECX]);
    }

    @Test void faultLeavesStateAsBeforeTheFaultingInstruction() {
        GuestPair g = new GuestPair();
        // inc eax ; xor edx, edx ; div edx (#DE) ; inc eax ; jmp $
        TranslatedBlock t = load(g, "40 31 d2 f7 f2 40 eb fe");
        g.s.gpr[CpuState.EAX] = 7;
        RuntimeException e = g.translated(t, Long.MAX_VALUE);
        assertTrue(e instanceof CpuException c && c.vector == CpuException.DE, String.valueOf(e));
        assertEquals(8, g.s.gpr[CpuState.EAX]);
        assertEquals(0x1003, g.s.eip);
        assertEquals(2, g.s.icount);
        assertTrue(Flags.zf(g.s)); // from the xor, not clobbered
    }

    @Test void callAndRetThroughTheStack() {
        GuestPair g = new GuestPair();
        TranslatedBlock call = load(g, "e8 10 00 00 00"); // call 0x1015
        int esp = g.s.gpr[CpuState.ESP];
        call.run(g.ctx, Long.MAX_VALUE);
        assertEquals(0x1015, g.s.eip);
        assertEquals(esp - 4, g.s.gpr[CpuState.ESP]);
        assertEquals(0x1005, g.ram.read32(esp - 4));
        g.ram.load(0x1015, new byte[] {(byte) 0xC3}, 0, 1);
        Instruction[] b = g.decodeBlock(0x1015, 32);
        cache.translate(b, GuestPair.ops(b)).run(g.ctx, Long.MAX_VALUE);
        assertEquals(0x1005, g.s.eip);
        assertEquals(esp, g.s.gpr[CpuState.ESP]);
    }

    @Test void writingItsOwnCodeEndsTheBlockAfterTheStore() {
        GuestPair g = new GuestPair();
        // mov byte [0x1008], 0x90 ; inc eax ; inc eax ; inc eax(0x1008 -> nop) ; jmp $
        TranslatedBlock t = load(g, "c6 05 08 10 00 00 90 40 40 eb fe");
        Instruction[] code = t.instructions();
        g.ram.writeWatch().watch(1);
        g.ctx.enter(1, g.ram.writeWatch().generation(1), -1, 0);
        assertFalse(t.run(g.ctx, Long.MAX_VALUE));
        assertEquals(code[1].eip, g.s.eip);
        assertEquals(1, g.s.icount);
        assertEquals(0, g.s.gpr[CpuState.EAX]);
    }

    @Test void sharedTranslationsAreFoundByContent() {
        GuestPair a = new GuestPair(), b = new GuestPair();
        byte[] code = GuestPair.hex("01 c8 49 75 fb");
        a.ram.load(0x1000, code, 0, code.length);
        b.ram.load(0x1000, code, 0, code.length);
        Instruction[] ba = a.decodeBlock(0x1000, 32), bb = b.decodeBlock(0x1000, 32);
        TranslatedBlock ta = cache.get(ba, GuestPair.ops(ba));
        TranslatedBlock tb = cache.get(bb, GuestPair.ops(bb));
        assertTrue(ta == tb);
        assertEquals(1, cache.stats().translated());
        assertEquals(1, cache.stats().shared());
    }
}
