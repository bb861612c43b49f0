package io.denalij.mmu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/** Copy-on-write sharing of page arrays between RAMs, swapping pages out and in, and small TLBs. */
class SharedPagesTest {
    static byte[] page(int fill) {
        byte[] p = new byte[PhysicalMemory.PAGE_SIZE];
        java.util.Arrays.fill(p, (byte) fill);
        return p;
    }

    @Test void twoRamsReadOneSharedArrayAndAWriteCopiesItForTheWriterOnly() {
        byte[] image = page(0x11);
        PhysicalMemory a = new PhysicalMemory(1 << 20), b = new PhysicalMemory(1 << 20);
        a.mapShared(5, image);
        b.mapShared(5, image);
        Mmu ma = new Mmu(a), mb = new Mmu(b);
        assertEquals(0x11111111, ma.read32(0x5000, true));
        assertEquals(0x11111111, mb.read32(0x5ffc, true));
        assertEquals(0, a.residentPages());
        assertEquals(1, a.sharedPages());
        assertSame(image, a.pageForRead(5));

        ma.write32(0x5010, 0xCAFEBABE, true); // the TLB holds the shared array for reads: the write must not reach it
        assertEquals(0x11, image[0x10], "the shared array is never written");
        assertEquals(0xCAFEBABE, ma.read32(0x5010, true));
        assertEquals(0x11111111, ma.read32(0x5014, true), "the copy keeps the rest of the page");
        assertEquals(0x11111111, mb.read32(0x5010, true), "the other RAM still sees the image");
        assertEquals(1, a.residentPages());
        assertEquals(0, a.sharedPages());
        assertFalse(a.isShared(5));
        assertTrue(b.isShared(5));
        assertNotSame(image, a.pageForRead(5));
        ma.write8(0x5011, 0x22, true); // now the fast path writes the private copy
        assertEquals(0xCAFE22BE, ma.read32(0x5010, true));
    }

    @Test void aWriteToASharedPageThatHoldsCodeBumpsItsGeneration() {
        PhysicalMemory a = new PhysicalMemory(1 << 20);
        a.mapShared(3, page(0x90));
        a.writeWatch().watch(3);
        int before = a.writeWatch().generation(3);
        new Mmu(a).write8(0x3000, 0xC3, true);
        assertEquals(before + 1, a.writeWatch().generation(3));
        assertEquals(0xC3, a.read8(0x3000));
    }

    @Test void onlyAnAbsentPageCanBeShared() {
        PhysicalMemory a = new PhysicalMemory(1 << 20);
        a.write8(0x2000, 1);
        assertThrows(IllegalStateException.class, () -> a.mapShared(2, page(0)));
        assertThrows(IllegalArgumentException.class, () -> a.mapShared(256, page(0)));
        assertThrows(IllegalArgumentException.class, () -> a.mapShared(3, new byte[100]));
    }

    @Test void swappedOutPagesComeBackWithTheirBytesAndCannotBeTouchedMeanwhile() {
        PhysicalMemory a = new PhysicalMemory(1 << 20);
        Mmu m = new Mmu(a);
        m.write32(0x7000, 0x12345678, true);
        m.write32(0x9ff0, 0x0BADF00D, true);
        a.mapShared(4, page(0x44));
        assertArrayEquals(new int[] {7, 9}, a.ownedPageNumbers(), "shared pages are not the RAM's own");
        byte[] seven = a.swapOut(7), nine = a.swapOut(9);
        assertEquals(0, a.residentPages());
        assertEquals(2, a.swappedPages());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.read32(0x7000, true),
                "the TLB must not keep serving the array it cached");
        assertEquals("page 0x7 is swapped out: swap it in before touching it", e.getMessage());
        assertThrows(IllegalStateException.class, () -> a.write8(0x9000, 0));
        assertThrows(IllegalStateException.class, () -> a.swapOut(4), "a shared page is not the RAM's to swap");

        a.swapIn(7, seven.clone());
        a.swapIn(9, nine.clone());
        assertEquals(0x12345678, m.read32(0x7000, true));
        assertEquals(0x0BADF00D, m.read32(0x9ff0, true));
        assertEquals(2, a.residentPages());
        assertEquals(0, a.swappedPages());
        assertThrows(IllegalStateException.class, () -> a.swapIn(7, page(0)));
    }

    @Test void aSmallTlbTranslatesCorrectlyWhenPagesCollide() {
        PhysicalMemory a = new PhysicalMemory(1 << 20);
        Mmu m = new Mmu(a, 4);
        assertEquals(4, m.tlbEntries());
        for (int p = 0; p < 64; p++) m.write32(p << 12 | 8, p * 3 + 1, true); // every fourth page shares a slot
        for (int p = 63; p >= 0; p--) assertEquals(p * 3 + 1, m.read32(p << 12 | 8, true));
        assertThrows(IllegalArgumentException.class, () -> new Mmu(a, 3));
    }

    @Test void largeRamCostsOnlyTheLeavesItTouches() {
        PhysicalMemory big = new PhysicalMemory(1L << 32);
        big.write8(0xFFFF_FFFF, 7);
        big.write8(0x10000, 9);
        assertEquals(7, big.read8(0xFFFF_FFFF));
        assertEquals(9, big.read8(0x10000));
        assertEquals(0, big.read8(0x8000_0000));
        assertEquals(2, big.residentPages());
        assertEquals(0, big.writeWatch().generation(0xFFFFF), "an unwatched page beyond the watch table has generation 0");
    }
}
