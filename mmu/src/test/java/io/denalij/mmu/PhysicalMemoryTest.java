package io.denalij.mmu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PhysicalMemoryTest {
    final PhysicalMemory ram = new PhysicalMemory(1 << 20);

    @Test void untouchedPagesReadZeroAndStayUnallocated() {
        assertEquals(0, ram.residentPages());
        assertEquals(0, ram.read32(0x5000));
        assertEquals(0, ram.read8(0xFFFFF));
        Mmu mmu = new Mmu(ram);
        assertEquals(0, mmu.read32(0x7000, false));
        assertEquals(0, mmu.fetch8(0x8000, false));
        assertEquals(0, ram.residentPages(), "reads, also through the MMU, allocate nothing");
        ram.write8(0x5001, 0x42);
        assertEquals(1, ram.residentPages());
        assertEquals(0x4200, ram.read32(0x5000));
        mmu.write16(0x9FFF, 0xBEEF, false); // crosses into a second page
        assertEquals(3, ram.residentPages());
        assertEquals(0, ram.unbackedAccesses());
    }

    @Test void addressesBeyondRamReadAllOnesAndDropWrites() {
        int end = 1 << 20;
        assertEquals(0xFF, ram.read8(end));
        assertEquals(0xFFFF, ram.read16(end + 0x10));
        assertEquals(-1, ram.read32(0xFFFF_FFFC));
        ram.write32(end, 0);
        ram.write8(end + 5, 0);
        assertEquals(-1, ram.read32(end));
        assertEquals(6, ram.unbackedAccesses());
        assertEquals(0, ram.residentPages());
        byte[] out = new byte[4];
        ram.copyOut(end - 2, out, 0, 4);
        assertArrayEquals(new byte[] {0, 0, -1, -1}, out);
    }

    @Test void loadRejectsBytesOutsideRam() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ram.load((1 << 20) - 2, new byte[4], 0, 4));
        assertEquals("cannot load 4 bytes at 0xffffe: guest RAM is 0x100000 bytes", e.getMessage());
        ram.load(0xFFE, new byte[] {1, 2, 3, 4}, 0, 4);
        assertEquals(0x04030201, ram.read16(0xFFE) | ram.read16(0x1000) << 16);
    }

    @Test void watchGenerationsCountWritesToWatchedPagesOnly() {
        WriteWatch w = ram.writeWatch();
        ram.write8(0x3000, 1);
        assertEquals(0, w.generation(3));
        w.watch(3);
        ram.write8(0x3001, 1);
        ram.write8(0x3002, 1); // the first hit disarmed the watch
        assertEquals(1, w.generation(3));
        assertEquals(0, w.generation(4));
    }

    @Test void sizeMustBeAPositiveMultipleOfAPage() {
        assertThrows(IllegalArgumentException.class, () -> new PhysicalMemory(0));
        assertThrows(IllegalArgumentException.class, () -> new PhysicalMemory(4097));
        assertThrows(IllegalArgumentException.class, () -> new PhysicalMemory((1L << 32) + 4096));
        assertEquals(1 << 20, new PhysicalMemory(1L << 32).pageCount());
    }
}
