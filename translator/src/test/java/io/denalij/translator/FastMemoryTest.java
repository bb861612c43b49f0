package io.denalij.translator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import io.denalij.cpu.Segment;
import io.denalij.cpu.decode.Instruction;
import io.denalij.mmu.PageFault;

import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

/**
 * The cases where translated code must leave its inline TLB fast path ({@link FastMemory}) for
 * {@link io.denalij.cpu.Memory}: a segment with a base or limit, a 16-bit stack, a page that is not
 * allocated yet, a user-mode access to a supervisor page whose translation the TLB already holds.
 * Each program runs on two identical machines, through the interpreter and through a translation,
 * and both must end in the same registers, flags, EIP, count, fault and memory, besides the
 * expected values checked directly.
 */
class FastMemoryTest {
    private static final int DATA_16 = Segment.ATTR_P | Segment.ATTR_S | Segment.ATTR_RW | Segment.ATTR_ACCESSED;
    private static final int DATA_32 = DATA_16 | Segment.ATTR_DB;

    private final TranslationCache cache = new TranslationCache();

    /** Runs {@code code} at 0x1000 both ways after {@code setup}; returns the translated machine and its fault. */
    private Result both(String code, Consumer<GuestPair> setup) {
        GuestPair ref = new GuestPair(), jit = new GuestPair();
        for (GuestPair g : new GuestPair[] {ref, jit}) {
            byte[] b = GuestPair.hex(code);
            g.ram.load(0x1000, b, 0, b.length);
            setup.accept(g);
        }
        Instruction[] block = ref.decodeBlock(0x1000, 32);
        RuntimeException refFault = ref.interpret(block);
        TranslatedBlock t = cache.translate(block, GuestPair.ops(block));
        RuntimeException jitFault = jit.translated(t, Long.MAX_VALUE);
        assertEquals(ref.snapshot(refFault), jit.snapshot(jitFault));
        assertTrue(GuestPair.sameMemory(ref, jit), "memory differs");
        return new Result(jit, jitFault);
    }

    /** Puts the page of linear address {@code a} in the TLB's fast path for reads and writes. */
    private static void warm(GuestPair g, int a) {
        g.mmu.write32(a, g.mmu.read32(a, false), false); // allocates the page, which closes the fast path once more
        g.mmu.read32(a, false);                           // and this opens it for the allocated page
    }

    private record Result(GuestPair g, RuntimeException fault) { }

    /** ESP, and EAX and EBX for a program that pushes them, with the pages of {@code warmed} in the TLB's fast path. */
    private static void pushes(GuestPair g, int esp, int eax, int ebx, int... warmed) {
        g.s.gpr[CpuState.ESP] = esp;
        g.s.gpr[CpuState.EAX] = eax;
        g.s.gpr[CpuState.EBX] = ebx;
        for (int a : warmed) warm(g, a);
    }

    @Test void aDataSegmentWithABaseIsAddressedThroughIt() {
        // mov eax, [0x10] ; mov [0x20], eax ; add dword [0x20], 5 ; hlt
        Result r = both("a1 10 00 00 00 a3 20 00 00 00 83 05 20 00 00 00 05 f4", g -> {
            g.s.seg[Segment.DS].load(0x18, 0x3000, 0xFFFF, DATA_32);
            g.ram.write32(0x3010, 0x1234_5678);
            g.ram.write32(0x0010, 0xDEAD_BEEF); // what a flat access would wrongly read
            warm(g, 0x0010); // the offsets' pages are in the TLB: only the segment check keeps them off the fast path
        });
        assertNull(r.fault);
        assertEquals(0x1234_5678, r.g.s.gpr[CpuState.EAX]);
        assertEquals(0x1234_567D, r.g.ram.read32(0x3020));
        assertEquals(0, r.g.ram.read32(0x0020));
    }

    @Test void anAccessBeyondTheSegmentLimitRaisesGp() {
        // inc ecx ; mov eax, [0x1_0000] (limit 0xFFFF) ; inc ecx
        Result r = both("41 a1 00 00 01 00 41", g -> {
            g.s.seg[Segment.DS].load(0x18, 0, 0xFFFF, DATA_32);
            warm(g, 0x1_0000);
        });
        assertTrue(r.fault instanceof CpuException c && c.vector == CpuException.GP, String.valueOf(r.fault));
        assertEquals(1, r.g.s.gpr[CpuState.ECX]);
        assertEquals(0x1001, r.g.s.eip);
    }

    @Test void aSixteenBitStackWrapsSpAndKeepsTheHighHalfOfEsp() {
        // push eax ; push ebx ; pop ecx ; hlt   (SP 0x0004 -> 0x0000 -> 0xFFFC -> 0x0000)
        Result r = both("50 53 59 f4", g -> {
            g.s.seg[Segment.SS].load(0x18, 0x2_0000, 0xFFFF, DATA_16);
            pushes(g, 0x1234_0004, 0xAAAA_AAAA, 0xBBBB_BBBB, 0x0000, 0xFFFC);
        });
        assertNull(r.fault);
        assertEquals(0x1234_0000, r.g.s.gpr[CpuState.ESP]);
        assertEquals(0xBBBB_BBBB, r.g.s.gpr[CpuState.ECX]);
        assertEquals(0xAAAA_AAAA, r.g.ram.read32(0x2_0000));
        assertEquals(0xBBBB_BBBB, r.g.ram.read32(0x2_FFFC));
    }

    @Test void aFlatStackWithoutTheBigBitStillMovesOnlySp() {
        // push eax ; hlt   (base 0, limit 4 GiB, B = 0: SP 0x0000 -> 0xFFFC, ESP's high half stays 0x0001)
        Result r = both("50 f4", g -> {
            g.s.seg[Segment.SS].load(0x18, 0, -1, DATA_16);
            g.s.gpr[CpuState.ESP] = 0x0001_0000;
            g.s.gpr[CpuState.EAX] = 0xAAAA_AAAA;
            warm(g, 0xFFFC);
        });
        assertNull(r.fault);
        assertEquals(0x0001_FFFC, r.g.s.gpr[CpuState.ESP]);
        assertEquals(0xAAAA_AAAA, r.g.ram.read32(0xFFFC));
    }

    @Test void aPageReadBeforeItIsAllocatedReadsBackWhatIsWrittenLater() {
        // mov eax, [0x6_0000] ; mov dword [0x6_0000], 0x1234 ; mov ebx, [0x6_0000] ; hlt
        Result r = both("a1 00 00 06 00 c7 05 00 00 06 00 34 12 00 00 8b 1d 00 00 06 00 f4", g -> { });
        assertNull(r.fault);
        assertEquals(0, r.g.s.gpr[CpuState.EAX]);
        assertEquals(0x1234, r.g.s.gpr[CpuState.EBX]);
    }

    /** Identity paging of the first 512 KiB, every page user-accessible except page 0x50. */
    private static void paging(GuestPair g) {
        int pd = 0x2_0000, pt = 0x2_1000;
        g.ram.write32(pd, pt | 7);
        for (int p = 0; p < GuestPair.RAM >>> 12; p++) g.ram.write32(pt + 4 * p, p << 12 | (p == 0x50 ? 3 : 7));
        g.s.cr3 = pd;
        g.s.cr0 |= CpuState.CR0_PG;
        g.mmu.setControl(g.s.cr0, g.s.cr3, g.s.cr4);
    }

    @Test void userModeIsRefusedASupervisorPageTheTlbAlreadyHolds() {
        // mov eax, [0x5_0000] ; inc ecx
        byte[] code = GuestPair.hex("a1 00 00 05 00 41");
        GuestPair g = new GuestPair();
        g.ram.load(0x1000, code, 0, code.length);
        paging(g);
        g.ram.write32(0x5_0000, 0x7777);
        Instruction[] block = g.decodeBlock(0x1000, 2);
        TranslatedBlock t = cache.translate(block, GuestPair.ops(block));
        assertNull(g.translated(t, Long.MAX_VALUE)); // at CPL 0: fills the TLB with the supervisor page
        assertEquals(0x7777, g.s.gpr[CpuState.EAX]);
        g.s.cpl = 3;
        g.s.eip = 0x1000;
        g.s.gpr[CpuState.EAX] = 0;
        RuntimeException e = g.translated(t, Long.MAX_VALUE);
        assertTrue(e instanceof PageFault pf && pf.linear == 0x5_0000 && (pf.errorCode & 4) != 0, String.valueOf(e));
        assertEquals(0, g.s.gpr[CpuState.EAX]);
        assertEquals(1, g.s.gpr[CpuState.ECX]);
        assertEquals(0x1000, g.s.eip);
    }

    @Test void userModeFaultsMatchTheInterpreter() {
        // mov [0x4_0000], eax (user page) ; push dword [0x5_0000] (supervisor: #PF) ; inc ecx
        Result r = both("a3 00 00 04 00 ff 35 00 00 05 00 41", g -> {
            paging(g);
            g.s.cpl = 3;
            g.s.gpr[CpuState.EAX] = 0x55;
        });
        assertTrue(r.fault instanceof PageFault, String.valueOf(r.fault));
        assertEquals(0x55, r.g.ram.read32(0x4_0000));
        assertArrayEquals(new byte[4], r.g.memory(0x7_EFFC, 4)); // the push never happened
    }

    /**
     * A segment register loaded between two runs of the same translation on the same machine must
     * take effect in the second run, for data (DS gets a base) and for branches (CS gets a limit):
     * the guard for any caching of what a segment allows across entries (a cache keyed on CPL
     * alone, tried once, fails it).
     */
    @Test void aSegmentLoadedBetweenRunsIsSeenByTheNextRun() {
        // mov eax, [0x10] ; jmp 0x2000 (beyond a 0x1FFF CS limit)
        byte[] code = GuestPair.hex("a1 10 00 00 00 e9 f6 0f 00 00");
        GuestPair g = new GuestPair();
        g.ram.load(0x1000, code, 0, code.length);
        g.ram.write32(0x0010, 0x1111_1111);
        g.ram.write32(0x3010, 0x3333_3333);
        warm(g, 0x0010);
        Instruction[] block = g.decodeBlock(0x1000, 2);
        TranslatedBlock t = cache.translate(block, GuestPair.ops(block));
        assertNull(g.translated(t, Long.MAX_VALUE)); // flat: fills the cache
        assertEquals(0x1111_1111, g.s.gpr[CpuState.EAX]);
        assertEquals(0x2000, g.s.eip);

        g.s.seg[Segment.DS].load(0x18, 0x3000, 0xFFFF, DATA_32);
        g.s.seg[Segment.CS].load(0x08, 0, 0x1FFF, Segment.ATTR_P | Segment.ATTR_S | Segment.ATTR_CODE | Segment.ATTR_RW | Segment.ATTR_DB);
        g.s.eip = 0x1000;
        RuntimeException e = g.translated(t, Long.MAX_VALUE);
        assertEquals(0x3333_3333, g.s.gpr[CpuState.EAX], "the load went through DS's new base");
        assertTrue(e instanceof CpuException c && c.vector == CpuException.GP, "the jump beyond CS's new limit: " + e);
        assertEquals(0x1005, g.s.eip, "at the jump");
    }

    /**
     * A page never written reads as the shared zero page, which the TLB may hand out for reads but
     * never for writes: the PUSH must allocate the page (and close the read fast path on the zero
     * page) so that the second POP reads what it wrote. Fails when the TLB opens the write fast path
     * on the zero page (the PUSH then writes into the page every unwritten page reads as).
     */
    @Test void aPopFromANeverWrittenPageSeesThePushThatAllocatesIt() {
        // pop eax ; push ebx ; pop ecx ; hlt
        Result r = both("58 53 59 f4", g -> {
            g.s.gpr[CpuState.ESP] = 0x6_0000;
            g.s.gpr[CpuState.EBX] = 0xB0B0_B0B0;
            g.mmu.read32(0x6_0000, false); // the TLB holds the page, read-only for now: the zero page
        });
        assertNull(r.fault);
        assertEquals(0, r.g.s.gpr[CpuState.EAX]);
        assertEquals(0xB0B0_B0B0, r.g.s.gpr[CpuState.ECX]);
        assertEquals(0x6_0004, r.g.s.gpr[CpuState.ESP]);
    }

    /**
     * A PUSH and a POP that straddle two pages, both in the TLB's fast path: the tag compare takes the
     * page of the access's last byte, so they go through the checked path, and each page gets its
     * half. Fails when the fast path matches on the first byte's page alone (it then writes past the
     * end of page 0x6F's array).
     */
    @Test void aPushAndPopAcrossAPageBoundaryWriteBothPages() {
        // push eax ; push ebx ; pop ecx ; pop edx ; hlt   (ESP 0x7_0006: the second push is 0x6_FFFE..0x7_0001)
        Result r = both("50 53 59 5a f4", g -> {
            pushes(g, 0x7_0006, 0xA1A2_A3A4, 0xB1B2_B3B4, 0x6_FFFC, 0x7_0000);
        });
        assertNull(r.fault);
        assertEquals(0xB1B2_B3B4, r.g.s.gpr[CpuState.ECX]);
        assertEquals(0xA1A2_A3A4, r.g.s.gpr[CpuState.EDX]);
        assertEquals(0xB3B4, r.g.ram.read32(0x6_FFFC) >>> 16, "the low half of EBX ends page 0x6F");
        assertEquals(0xA3A4_B1B2, r.g.ram.read32(0x7_0000), "its high half starts page 0x70, under EAX");
        assertEquals(0x7_0006, r.g.s.gpr[CpuState.ESP]);
    }
}
