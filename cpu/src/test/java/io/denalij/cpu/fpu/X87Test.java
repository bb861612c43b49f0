package io.denalij.cpu.fpu;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import io.denalij.cpu.Segment;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Environment layouts, tag word, stack faults, #MF and #UD: the parts the vector file cannot reach. */
class X87Test {
    private static final long ONE = 0x8000_0000_0000_0000L;
    private final FpuHarness h = new FpuHarness();

    private int read32(int a) { return h.mem.read32(FpuHarness.DS, a); }
    private int read16(int a) { return h.mem.read16(FpuHarness.DS, a); }

    @Test
    void tagWordEncodesEachPhysicalRegister() {
        h.init();
        h.push(0x3FFF, ONE);  // R7: valid
        h.push(0x0000, 0);    // R6: zero
        h.push(0x0000, 1);    // R5: denormal -> special
        h.push(0x7FFF, ONE);  // R4: infinity -> special
        assertEquals(4, h.x87.top());
        assertEquals(0b00_01_10_10_11_11_11_11, h.x87.tagWord());
        h.reg(0xDD, 0xC1);    // FFREE ST(1) = R5
        assertEquals(0b00_01_11_10_11_11_11_11, h.x87.tagWord());
        assertEquals(4, h.x87.top(), "FFREE does not move TOP");
    }

    @Test
    void fnstenv32ProtectedLayout() {
        h.s.cr0 |= CpuState.CR0_PE;
        h.s.seg[Segment.DS].selector = 0x2B;
        h.init();
        h.mem.write32(FpuHarness.DS, 0x500, 0x3F80_0000); // 1.0f
        h.x87.execute(0xD9, 0x05, FpuHarness.DS, 0x500, true, 0x0040_1234, 0x23); // FLD m32 [disp32]
        h.loadCw(0x0272);
        h.x87.execute(0xD9, 0x35, FpuHarness.DS, 0x600, true, 0x0040_2000, 0x23); // FNSTENV
        assertEquals(0xFFFF_0272, read32(0x600));
        assertEquals(0xFFFF_0000 | (7 << 11), read32(0x604));
        assertEquals(0xFFFF_3FFF, read32(0x608), "R7 valid, others empty");
        assertEquals(0x0040_1234, read32(0x60C), "FIP is the last non-control instruction (FLDCW is control)");
        assertEquals((0x105 << 16) | 0x23, read32(0x610), "FOP (D9 05 -> 105) and FCS");
        assertEquals(0x500, read32(0x614));
        assertEquals(0xFFFF_002B, read32(0x618));
        assertEquals(0x027F, h.x87.controlWord(), "FNSTENV masks all exceptions");
    }

    @Test
    void fnstenv16RealModeLayoutHoldsLinearAddresses() {
        h.s.seg[Segment.DS].loadReal(0x2000);
        h.init();
        h.mem.write16(FpuHarness.DS, 0x10, 7);
        h.x87.execute(0xDF, 0x06, FpuHarness.DS, 0x10, false, 0x0234, 0x1000); // FILD m16 at 1000:0234
        h.x87.execute(0xD9, 0x36, FpuHarness.DS, 0x40, false, 0x0240, 0x1000);  // FNSTENV (16-bit)
        assertEquals(0x037F, read16(0x40));
        assertEquals(7 << 11, read16(0x42));
        assertEquals(0x3FFF, read16(0x44));
        assertEquals(0x0234, read16(0x46), "FIP[15:0] of linear 0x10234");
        assertEquals((0x1 << 12) | 0x706, read16(0x48), "FIP[19:16] and FOP (DF 06 -> 706)");
        assertEquals(0x0010, read16(0x4A), "FDP[15:0] of linear 0x20010");
        assertEquals(0x2 << 12, read16(0x4C));
    }

    @Test
    void fnsaveStoresRegistersInStackOrderThenInitialises() {
        h.init();
        h.push(0x4000, 0xC000_0000_0000_0000L); // 3.0
        h.push(0x3FFF, ONE);                    // 1.0 = ST0
        h.loadCw(0x0C7F);
        h.mem(0xDD, 6, 0x700); // FNSAVE (32-bit)
        assertEquals(0x0C7F, read16(0x700));
        assertEquals(ONE, h.readLong(0x700 + 28));
        assertEquals(0x3FFF, read16(0x700 + 36));
        assertEquals(0xC000_0000_0000_0000L, h.readLong(0x700 + 38));
        assertEquals(0x4000, read16(0x700 + 46));
        assertEquals(0x037F, h.x87.controlWord());
        assertEquals(0xFFFF, h.x87.tagWord());
        assertEquals(0, h.x87.statusWord());

        h.mem(0xDD, 4, 0x700); // FRSTOR
        assertEquals(0x0C7F, h.x87.controlWord());
        assertEquals(6, h.x87.top());
        assertEquals("3FFF8000000000000000", h.st(0));
        assertEquals("4000C000000000000000", h.st(1));
        assertEquals(0x0FFF, h.x87.tagWord());
    }

    @Test
    void fnsave16BitPutsRegistersAfterFourteenBytes() {
        h.init();
        h.push(0xC000, ONE); // -2.0
        h.mem(0xDD, 6, 0x800, false);
        assertEquals(0x037F, read16(0x800));
        assertEquals(ONE, h.readLong(0x800 + 14));
        assertEquals(0xC000, read16(0x800 + 22));
        h.mem(0xDD, 4, 0x800, false);
        assertEquals("C0008000000000000000", h.st(0));
    }

    @Test
    void frstorRecomputesTheSummaryBitsAndLoadsOnlyEmptyTags() {
        h.init();
        h.mem.write32(FpuHarness.DS, 0x900, 0x037E);  // CW: IE unmasked
        h.mem.write32(FpuHarness.DS, 0x904, 0x0001);  // SW: IE pending, ES not stored
        h.mem.write32(FpuHarness.DS, 0x908, 0xFFFE);  // TW: R0 "valid" (content decides what FNSTENV reports)
        for (int i = 12; i < 28; i += 4) h.mem.write32(FpuHarness.DS, 0x900 + i, 0);
        h.mem(0xD9, 4, 0x900); // FLDENV
        assertEquals(0x8081, h.x87.statusWord(), "ES and B follow the unmasked pending IE");
        assertEquals(0xFFFD, h.x87.tagWord(), "R0 non-empty; it holds +0, so FNSTENV reports tag 01");
    }

    @Test
    void maskedStackOverflowPushesIndefinite() {
        h.init();
        for (int i = 0; i < 8; i++) h.push(0x3FFF, ONE);
        h.reg(0xD9, 0xE8); // FLD1 onto a full stack
        assertEquals(0x41 | 0x200, h.x87.statusWord() & 0x3FF, "IE, SF and C1=1 (overflow)");
        assertEquals(7, h.x87.top());
        assertEquals("FFFFC000000000000000", h.st(0));
    }

    @Test
    void maskedStackUnderflowWritesIndefinite() {
        h.init();
        h.push(0x3FFF, ONE);
        h.reg(0xD8, 0xC1); // FADD ST0, ST1 with ST1 empty
        assertEquals(0x41, h.x87.statusWord() & 0x3FF, "IE, SF and C1=0 (underflow)");
        assertEquals("FFFFC000000000000000", h.st(0));
    }

    @Test
    void unmaskedStackFaultLeavesTheStackAndRaisesMfAtTheNextWaitingInstruction() {
        h.init();
        h.loadCw(0x037E);
        for (int i = 0; i < 8; i++) h.push(0x3FFF, ONE);
        h.reg(0xD9, 0xEE); // FLDZ: overflow, unmasked
        assertEquals(0, h.x87.top(), "no push happened");
        assertEquals("3FFF8000000000000000", h.st(0));
        assertEquals(0x80C1 | 0x200, h.x87.statusWord() & 0xC7FF);
        h.s.cr0 |= CpuState.CR0_NE;
        h.reg(0xDF, 0xE0); // FNSTSW AX is non-waiting
        assertEquals(h.x87.statusWord(), h.s.gpr[CpuState.EAX] & 0xFFFF);
        CpuException e = assertThrows(CpuException.class, () -> h.reg(0xD9, 0xE8));
        assertEquals(CpuException.MF, e.vector);
        assertThrows(CpuException.class, () -> h.x87.fwait());
        h.reg(0xDB, 0xE2); // FNCLEX
        h.x87.fwait();
        assertEquals(0, h.x87.statusWord() & 0x80FF);
    }

    @Test
    void withoutCr0NeThePendingExceptionGoesToTheFerrListener() {
        h.init();
        AtomicInteger ferr = new AtomicInteger();
        h.x87.setFerrListener(ferr::incrementAndGet);
        h.loadCw(0x037B); // ZE unmasked
        h.push(0, 0);
        h.push(0x3FFF, ONE);
        h.reg(0xD8, 0xF1); // 1 / 0
        assertEquals("3FFF8000000000000000", h.st(0), "unmasked ZE leaves the destination alone");
        assertEquals(0, ferr.get());
        h.x87.fwait();
        assertEquals(1, ferr.get());
    }

    @Test
    void formsThatDoNotExistRaiseUd() {
        h.init();
        for (int[] f : new int[][] {{0xD9, 0xD1}, {0xD9, 0xE2}, {0xD9, 0xEF}, {0xDA, 0xE8}, {0xDB, 0xE5}, {0xDB, 0xF8},
                {0xDD, 0xF0}, {0xDE, 0xD8}, {0xDF, 0xE1}, {0xDF, 0xF8}}) {
            CpuException e = assertThrows(CpuException.class, () -> h.reg(f[0], f[1]), String.format("%02x %02x", f[0], f[1]));
            assertEquals(CpuException.UD, e.vector);
        }
        for (int[] f : new int[][] {{0xD9, 1}, {0xDB, 1}, {0xDB, 4}, {0xDB, 6}, {0xDD, 1}, {0xDD, 5}, {0xDF, 1}}) {
            CpuException e = assertThrows(CpuException.class, () -> h.mem(f[0], f[1], 0x100));
            assertEquals(CpuException.UD, e.vector, "FISTTP and reserved memory forms");
        }
    }

    @Test
    void storeFaultLeavesTheStackUnchanged() {
        h.init();
        h.push(0x3FFF, ONE);
        h.s.seg[Segment.DS].limit = 0x0FFF;
        CpuException e = assertThrows(CpuException.class, () -> h.mem(0xDD, 3, 0x0FFC)); // FSTP m64 crossing the limit
        assertEquals(CpuException.GP, e.vector);
        assertEquals(7, h.x87.top());
        assertEquals("3FFF8000000000000000", h.st(0));
    }

    @Test
    void describeNamesTheStack() {
        h.init();
        h.push(0x3FFF, ONE);
        String d = h.x87.describe();
        assertTrue(d.contains("cw=037f") && d.contains("st0=3fff:8000000000000000"), d);
    }
}
