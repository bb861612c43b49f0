package io.denalij.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Paging by hand-built page tables in {@link PhysicalMemory}: translations, A/D bits, faults, the TLB. */
class MmuTest {
    static final int P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80;
    static final int PG = 0x8000_0001, WP = 1 << 16, PSE = 1 << 4;
    static final int PD = 0x10000, PT = 0x11000, PT2 = 0x12000;

    final PhysicalMemory ram = new PhysicalMemory(16 << 20);
    final Mmu mmu = new Mmu(ram);

    void pde(int linear, int value) { ram.write32(PD + (linear >>> 22) * 4, value); }
    int pde(int linear) { return ram.read32(PD + (linear >>> 22) * 4); }
    void pte(int table, int linear, int value) { ram.write32(table + ((linear >>> 12) & 0x3FF) * 4, value); }
    int pte(int table, int linear) { return ram.read32(table + ((linear >>> 12) & 0x3FF) * 4); }

    /** Maps one 4 KiB page through {@link #PT} (the PDE gets the same flags). */
    void map(int linear, int phys, int flags) {
        pde(linear, PT | flags);
        pte(PT, linear, phys | flags);
    }

    void enable(int extraCr0, int cr4) { mmu.setControl(PG | extraCr0, PD, cr4); }

    static PageFault fault(Runnable access) { return assertThrows(PageFault.class, access::run); }

    static void assertFault(int linear, int errorCode, Runnable access) {
        PageFault f = fault(access);
        assertEquals(linear, f.linear, "CR2");
        assertEquals(errorCode, f.errorCode, "error code");
    }

    // ---- paging off ----

    @Test void pagingOffIsIdentityIncludingPageCrossings() {
        mmu.write32(0x1234, 0xCAFEBABE, false);
        assertEquals(0xCAFEBABE, ram.read32(0x1234));
        assertEquals(0x5678, mmu.translate(0x5678, Mmu.ACCESS_WRITE | Mmu.ACCESS_USER));
        mmu.write32(0x1FFE, 0x11223344, true);
        assertEquals(0x44, ram.read8(0x1FFE));
        assertEquals(0x33, ram.read8(0x1FFF));
        assertEquals(0x22, ram.read8(0x2000));
        assertEquals(0x11, ram.read8(0x2001));
        assertEquals(0x11223344, mmu.read32(0x1FFE, false));
        assertEquals(0x2233, mmu.read16(0x1FFF, false));
        assertEquals(0x33, mmu.fetch8(0x1FFF, true));
        assertEquals(0, mmu.walks());
    }

    @Test void pagingOffOutsideRamReadsOnesAndDropsWrites() {
        int beyond = 16 << 20;
        assertEquals(0xFF, mmu.read8(beyond, false));
        assertEquals(0xFFFF, mmu.read16(beyond + 2, false));
        assertEquals(-1, mmu.read32(beyond + 4, false));
        mmu.write32(beyond, 0, false);
        assertEquals(-1, mmu.read32(beyond, false));
        assertEquals(5, ram.unbackedAccesses());
    }

    @Test void aRamWriteBehindACachedZeroPageIsSeen() {
        assertEquals(0, mmu.read32(0x3000, false)); // caches the shared zero page for reading
        ram.write32(0x3000, 0x12345678);           // allocates the page
        assertEquals(0x12345678, mmu.read32(0x3000, false));
        mmu.write32(0x3004, 7, false);
        assertEquals(7, ram.read32(0x3004));
    }

    // ---- translation, A/D ----

    @Test void translatesA4KPageAndSetsAccessedThenDirty() {
        map(0x0040_1000, 0x0020_3000, P | RW);
        enable(0, 0);
        assertEquals(0x0020_3ABC, mmu.translate(0x0040_1ABC, Mmu.ACCESS_READ));
        assertEquals(PT | P | RW | A, pde(0x0040_1000));
        assertEquals(0x0020_3000 | P | RW | A, pte(PT, 0x0040_1000));

        mmu.write32(0x0040_1010, 0xDEADBEEF, false);
        assertEquals(0xDEADBEEF, ram.read32(0x0020_3010));
        assertEquals(0x0020_3000 | P | RW | A | D, pte(PT, 0x0040_1000));
        assertEquals(PT | P | RW | A, pde(0x0040_1000), "a PDE of a 4 KiB page never gets D");
        assertEquals(0xDEADBEEF, mmu.read32(0x0040_1010, false));
    }

    @Test void readsDoNotSetDirtyAndTheFirstWriteAfterACachedReadDoes() {
        map(0x0040_0000, 0x0030_0000, P | RW);
        enable(0, 0);
        for (int i = 0; i < 10; i++) mmu.read32(0x0040_0000 + 4 * i, false);
        assertEquals(1, mmu.walks(), "reads hit the TLB");
        assertEquals(0x0030_0000 | P | RW | A, pte(PT, 0x0040_0000));
        mmu.write8(0x0040_0001, 0x5A, false);
        assertEquals(0x0030_0000 | P | RW | A | D, pte(PT, 0x0040_0000));
        assertEquals(0x5A00, ram.read32(0x0030_0000));
        mmu.write8(0x0040_0002, 0x5B, false);
        assertEquals(2, mmu.walks(), "once dirty, writes hit the TLB");
    }

    @Test void anEntryAlreadyDirtyIsCachedWritableByARead() {
        map(0x0040_0000, 0x0030_0000, P | RW | A | D);
        enable(0, 0);
        mmu.read8(0x0040_0000, false);
        mmu.write8(0x0040_0000, 1, false);
        assertEquals(1, mmu.walks());
    }

    @Test void aUserAccessAfterASupervisorFillIsStillChecked() {
        map(0x0040_0000, 0x0030_0000, P | RW); // supervisor only
        enable(0, 0);
        mmu.write32(0x0040_0000, 1, false);
        assertFault(0x0040_0004, PageFault.P | PageFault.USER, () -> mmu.read32(0x0040_0004, true));
        assertFault(0x0040_0004, PageFault.P | PageFault.WRITE | PageFault.USER, () -> mmu.write32(0x0040_0004, 1, true));
        assertFault(0x0040_0008, PageFault.P | PageFault.USER, () -> mmu.fetch8(0x0040_0008, true));
    }

    @Test void aCachedReadDoesNotLetWPProtectedWritesThrough() {
        map(0x0040_0000, 0x0030_0000, P | A | D);
        enable(WP, 0);
        assertEquals(0, mmu.read32(0x0040_0000, false));
        assertFault(0x0040_0000, PageFault.P | PageFault.WRITE, () -> mmu.write8(0x0040_0000, 1, false));
        assertEquals(0, ram.read32(0x0030_0000));
    }

    @Test void peekTranslationHasNoSideEffects() {
        map(0x0040_0000, 0x0030_0000, P);
        enable(0, 0);
        assertEquals(0x0030_0123L, mmu.peekTranslation(0x0040_0123));
        assertEquals(-1L, mmu.peekTranslation(0x0080_0000));
        assertEquals(PT | P, pde(0x0040_0000));
        assertEquals(0x0030_0000 | P, pte(PT, 0x0040_0000));
        assertEquals(0, mmu.walks());
    }

    // ---- faults ----

    @Test void notPresentPdeFaultsWithExactCodesAndChangesNothing() {
        enable(0, 0);
        assertFault(0x0123_4567, 0, () -> mmu.read8(0x0123_4567, false));
        assertFault(0x0123_4567, PageFault.WRITE, () -> mmu.write8(0x0123_4567, 1, false));
        assertFault(0x0123_4567, PageFault.USER, () -> mmu.read16(0x0123_4567, true));
        assertFault(0x0123_4567, PageFault.WRITE | PageFault.USER, () -> mmu.write32(0x0123_4567, 1, true));
        assertFault(0x0123_4567, 0, () -> mmu.fetch8(0x0123_4567, false)); // no I/D bit without NX
        assertEquals(0, pde(0x0123_4567));
    }

    @Test void notPresentPteFaultsAfterMarkingThePdeAccessed() {
        pde(0x0040_0000, PT | P | RW | US);
        pte(PT, 0x0040_0000, 0x0030_0000 | RW | US); // P = 0
        enable(0, 0);
        assertFault(0x0040_0FFF, PageFault.USER | PageFault.WRITE, () -> mmu.write8(0x0040_0FFF, 1, true));
        assertEquals(PT | P | RW | US | A, pde(0x0040_0000));
        assertEquals(0x0030_0000 | RW | US, pte(PT, 0x0040_0000));
    }

    @Test void userNeedsUSAtBothLevels() {
        pde(0x0040_0000, PT | P | RW | US);
        pte(PT, 0x0040_0000, 0x0030_0000 | P | RW);      // PTE supervisor
        pde(0x0080_0000, PT2 | P | RW);                  // PDE supervisor
        pte(PT2, 0x0080_0000, 0x0031_0000 | P | RW | US);
        enable(0, 0);
        assertFault(0x0040_0010, PageFault.P | PageFault.USER, () -> mmu.read32(0x0040_0010, true));
        assertFault(0x0080_0010, PageFault.P | PageFault.USER, () -> mmu.read32(0x0080_0010, true));
        assertEquals(0x0030_0000 | P | RW, pte(PT, 0x0040_0000), "no A on a protection fault");
        assertEquals(0x0031_0000 | P | RW | US, pte(PT2, 0x0080_0000));
        mmu.read32(0x0040_0010, false);
        mmu.read32(0x0080_0010, false);
        assertEquals(0x0030_0000 | P | RW | A, pte(PT, 0x0040_0000));
    }

    @Test void userWritesNeedRWAtBothLevelsButUserReadsOfReadOnlyPagesWork() {
        pde(0x0040_0000, PT | P | RW | US);
        pte(PT, 0x0040_0000, 0x0030_0000 | P | US);      // PTE read-only
        pde(0x0080_0000, PT2 | P | US);                  // PDE read-only
        pte(PT2, 0x0080_0000, 0x0031_0000 | P | RW | US);
        ram.write32(0x0031_0000, 0x600D);
        enable(0, 0);
        int code = PageFault.P | PageFault.WRITE | PageFault.USER;
        assertFault(0x0040_0000, code, () -> mmu.write32(0x0040_0000, 1, true));
        assertFault(0x0080_0000, code, () -> mmu.write8(0x0080_0000, 1, true));
        assertEquals(0x600D, mmu.read32(0x0080_0000, true));
        assertEquals(0x0031_0000 | P | RW | US | A, pte(PT2, 0x0080_0000), "read sets A, not D");
    }

    @Test void supervisorWritesToReadOnlyPagesDependOnWP() {
        map(0x0040_0000, 0x0030_0000, P | US); // read-only user page
        enable(0, 0);
        mmu.write32(0x0040_0000, 0xAB, false);
        assertEquals(0xAB, ram.read32(0x0030_0000));
        assertEquals(0x0030_0000 | P | US | A | D, pte(PT, 0x0040_0000));

        pte(PT, 0x0040_0000, 0x0030_0000 | P | US);
        enable(WP, 0);
        assertFault(0x0040_0000, PageFault.P | PageFault.WRITE, () -> mmu.write32(0x0040_0000, 0xCD, false));
        assertEquals(0xAB, ram.read32(0x0030_0000));
        assertEquals(0x0030_0000 | P | US, pte(PT, 0x0040_0000));

        map(0x0040_0000, 0x0030_0000, P); // read-only supervisor page
        enable(WP, 0);
        assertFault(0x0040_0002, PageFault.P | PageFault.WRITE, () -> mmu.write16(0x0040_0002, 1, false));
    }

    // ---- 4 MiB pages ----

    @Test void largePagesWithPse() {
        pde(0x0080_0000, 0x00C0_0000 | P | RW | PS);
        ram.write32(0x00C1_2344, 0x01020304);
        enable(0, PSE);
        assertEquals(0x00C1_2345, mmu.translate(0x0081_2345, Mmu.ACCESS_READ));
        assertEquals(0x01020304, mmu.read32(0x0081_2344, false));
        assertEquals(0x00C0_0000 | P | RW | PS | A, pde(0x0080_0000));
        mmu.write8(0x00BF_FFFF, 9, false);
        assertEquals(9, ram.read8(0x00FF_FFFF));
        assertEquals(0x00C0_0000 | P | RW | PS | A | D, pde(0x0080_0000), "a 4 MiB PDE takes D");
    }

    @Test void largePageUserAndWriteChecks() {
        pde(0x0080_0000, 0x00C0_0000 | P | PS | US);
        enable(WP, PSE);
        assertEquals(0, mmu.read32(0x0080_0000, true));
        assertFault(0x0090_0000, PageFault.P | PageFault.WRITE | PageFault.USER, () -> mmu.write8(0x0090_0000, 1, true));
        assertFault(0x0090_0000, PageFault.P | PageFault.WRITE, () -> mmu.write8(0x0090_0000, 1, false));
    }

    @Test void psIsIgnoredWithoutPse() {
        // Without PSE this PDE points to a page table at 0x00C00000.
        pde(0x0080_0000, 0x00C0_0000 | P | RW | PS);
        pte(0x00C0_0000, 0x0080_3000, 0x0020_0000 | P | RW);
        enable(0, 0);
        assertEquals(0x0020_0010, mmu.translate(0x0080_3010, Mmu.ACCESS_READ));
        assertFault(0x0080_4000, 0, () -> mmu.read8(0x0080_4000, false));
    }

    @Test void reservedBitsOfALargePdeFaultWithRsvd() {
        pde(0x0080_0000, 0x00C0_0000 | 1 << 13 | P | RW | US | PS);
        pde(0x00C0_0000, 0x0100_0000 | 1 << 21 | P | RW | US | PS);
        enable(0, PSE);
        assertFault(0x0080_0004, PageFault.P | PageFault.RSVD, () -> mmu.read32(0x0080_0004, false));
        assertFault(0x00C0_0000, PageFault.P | PageFault.RSVD | PageFault.WRITE | PageFault.USER,
                () -> mmu.write8(0x00C0_0000, 1, true));
        assertEquals(0x00C0_0000 | 1 << 13 | P | RW | US | PS, pde(0x0080_0000), "no A on a reserved-bit fault");
        // Not a 4 MiB page without PSE: bits 13 and 21 are then part of a page table address.
        mmu.setControl(PG, PD, 0);
        assertFault(0x0080_0004, 0, () -> mmu.read32(0x0080_0004, false));
    }

    // ---- aliasing and the TLB ----

    @Test void twoLinearPagesOnOnePhysicalPageSeeEachOthersWrites() {
        pde(0x0040_0000, PT | P | RW);
        pte(PT, 0x0040_0000, 0x0030_0000 | P | RW);
        pte(PT, 0x0040_5000, 0x0030_0000 | P | RW);
        enable(0, 0);
        mmu.write32(0x0040_0100, 1, false);
        mmu.write32(0x0040_5100, 2, false); // both entries now cached for writing
        assertEquals(2, mmu.read32(0x0040_0100, false));
        mmu.write16(0x0040_0100, 0x3333, false);
        assertEquals(0x3333, mmu.read32(0x0040_5100, false));
    }

    @Test void aChangedPteIsIgnoredUntilInvlpgOrCr3Reload() {
        map(0x0040_0000, 0x0030_0000, P | RW);
        ram.write32(0x0030_0000, 0xAAAA);
        ram.write32(0x0031_0000, 0xBBBB);
        enable(0, 0);
        assertEquals(0xAAAA, mmu.read32(0x0040_0000, false));
        pte(PT, 0x0040_0000, 0x0031_0000 | P | RW);
        assertEquals(0xAAAA, mmu.read32(0x0040_0000, false), "stale entry kept, as hardware may");
        mmu.invlpg(0x0040_0FFC);
        assertEquals(0xBBBB, mmu.read32(0x0040_0000, false));

        pte(PT, 0x0040_0000, 0x0030_0000 | P | RW);
        assertEquals(0xBBBB, mmu.read32(0x0040_0000, false));
        mmu.setControl(PG, PD, 0); // MOV CR3 with the same value
        assertEquals(0xAAAA, mmu.read32(0x0040_0000, false));

        pte(PT, 0x0040_0000, 0);
        mmu.read32(0x0040_0000, false);
        mmu.invlpg(0x0040_0000);
        assertFault(0x0040_0000, 0, () -> mmu.read32(0x0040_0000, false));
    }

    @Test void invlpgInsideALargePageDropsEveryPieceOfIt() {
        pde(0x0080_0000, 0x00C0_0000 | P | RW | PS);
        ram.write32(0x00C0_0000, 1);
        ram.write32(0x00E0_0000, 2);
        ram.write32(0x0080_0000, 3);
        ram.write32(0x00A0_0000, 4);
        enable(0, PSE);
        assertEquals(1, mmu.read32(0x0080_0000, false));
        assertEquals(2, mmu.read32(0x00A0_0000, false));
        pde(0x0080_0000, 0x0080_0000 | P | RW | PS);
        mmu.invlpg(0x0081_2345);
        assertEquals(3, mmu.read32(0x0080_0000, false));
        assertEquals(4, mmu.read32(0x00A0_0000, false));
    }

    @Test void pagingOnAndOffFlushesIdentityEntries() {
        ram.write32(0x0040_0000, 0x1111);
        ram.write32(0x0030_0000, 0x2222);
        assertEquals(0x1111, mmu.read32(0x0040_0000, false));
        map(0x0040_0000, 0x0030_0000, P | RW);
        enable(0, 0);
        assertEquals(0x2222, mmu.read32(0x0040_0000, false));
        mmu.setControl(1, PD, 0);
        assertEquals(0x1111, mmu.read32(0x0040_0000, false));
    }

    @Test void manyPagesEvictEachOtherCorrectly() {
        // 2048 pages share 1024 slots: every page must still read its own contents.
        pde(0x0040_0000, PT | P | RW);
        pde(0x0080_0000, PT2 | P | RW);
        for (int i = 0; i < 1024; i++) {
            pte(PT, 0x0040_0000 + (i << 12), (0x0020_0000 + (i << 12)) | P | RW);
            pte(PT2, 0x0080_0000 + (i << 12), (0x0060_0000 + (i << 12)) | P | RW);
        }
        enable(0, 0);
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 1024; i++) {
                mmu.write32(0x0040_0000 + (i << 12) + 8, i, false);
                mmu.write32(0x0080_0000 + (i << 12) + 8, ~i, false);
            }
        }
        for (int i = 0; i < 1024; i++) {
            assertEquals(i, ram.read32(0x0020_0008 + (i << 12)));
            assertEquals(~i, mmu.read32(0x0080_0008 + (i << 12), false));
        }
    }

    // ---- page crossings ----

    @Test void crossingWriteFaultsOnTheSecondPageWithoutWritingTheFirst() {
        map(0x0040_0000, 0x0030_0000, P | RW);
        ram.write32(0x0030_0FFC, 0x11111111);
        enable(0, 0);
        mmu.read8(0x0040_0000, false); // first page cached
        assertFault(0x0040_1000, PageFault.WRITE, () -> mmu.write32(0x0040_0FFE, 0xAABBCCDD, false));
        assertFault(0x0040_1000, PageFault.WRITE, () -> mmu.write16(0x0040_0FFF, 0xAABB, false));
        assertFault(0x0040_1000, PageFault.WRITE, () -> mmu.write64(0x0040_0FFC, -1L, false));
        assertEquals(0x11111111, ram.read32(0x0030_0FFC));

        pte(PT, 0x0040_1000, 0x0050_0000 | P); // present, read-only
        enable(WP, 0);
        assertFault(0x0040_1000, PageFault.P | PageFault.WRITE, () -> mmu.write32(0x0040_0FFD, 0, false));
        assertEquals(0x11111111, ram.read32(0x0030_0FFC));
        assertFault(0x0040_1000, PageFault.P | PageFault.WRITE, () -> mmu.checkWritable(0x0040_0F00, 0x104, false));
        assertEquals(0x11111111, ram.read32(0x0030_0FFC));
    }

    @Test void crossingAccessesAssembleBytesFromTwoPhysicalPages() {
        pde(0x0040_0000, PT | P | RW);
        pte(PT, 0x0040_0000, 0x0030_0000 | P | RW);
        pte(PT, 0x0040_1000, 0x0020_0000 | P | RW); // the next linear page is physically below
        enable(0, 0);
        mmu.write32(0x0040_0FFD, 0x44332211, false);
        assertEquals(0x11, ram.read8(0x0030_0FFD));
        assertEquals(0x22, ram.read8(0x0030_0FFE));
        assertEquals(0x33, ram.read8(0x0030_0FFF));
        assertEquals(0x44, ram.read8(0x0020_0000));
        assertEquals(0x44332211, mmu.read32(0x0040_0FFD, false));
        assertEquals(0x4433, mmu.read16(0x0040_0FFF, false));
        mmu.write64(0x0040_0FFA, 0x0807060504030201L, false);
        assertEquals(0x0807060504030201L, mmu.read64(0x0040_0FFA, false));
        assertEquals(0x0807, ram.read16(0x0020_0000));
        assertEquals(0x060504030201L, Integer.toUnsignedLong(ram.read32(0x0030_0FFC)) << 16 | ram.read16(0x0030_0FFA));
    }

    @Test void crossingReadFaultsOnTheSecondPage() {
        map(0x0040_0000, 0x0030_0000, P | RW | US);
        enable(0, 0);
        assertFault(0x0040_1000, PageFault.USER, () -> mmu.read32(0x0040_0FFF, true));
        assertFault(0x0040_1000, 0, () -> mmu.read64(0x0040_0FFC, false));
    }

    // ---- write watch ----

    @Test void writesThroughTheTlbBumpTheWatchGenerationOfWatchedPages() {
        map(0x0040_0000, 0x0030_0000, P | RW);
        enable(0, 0);
        int ppn = 0x300;
        WriteWatch watch = ram.writeWatch();
        mmu.write32(0x0040_0000, 1, false);
        mmu.write32(0x0040_0004, 2, false); // fast path armed for writes
        int g0 = watch.generation(ppn);
        watch.watch(ppn);
        mmu.write32(0x0040_0008, 3, false);
        assertEquals(g0 + 1, watch.generation(ppn), "the write after watch() is seen");
        assertFalse(watch.watched(ppn), "a hit disarms the watch");
        mmu.write8(0x0040_000C, 4, false);
        assertEquals(g0 + 1, watch.generation(ppn), "unwatched writes do not count");
        watch.watch(ppn);
        mmu.write8(0x0040_0FFF, 5, false);
        assertEquals(g0 + 2, watch.generation(ppn));
        assertEquals(3, ram.read32(0x0030_0008));
        assertEquals(5, ram.read8(0x0030_0FFF));
    }

    @Test void paeFailsLoudly() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> mmu.setControl(PG, PD, 1 << 5));
        assertTrue(e.getMessage().contains("PAE"), e.getMessage());
    }
}
