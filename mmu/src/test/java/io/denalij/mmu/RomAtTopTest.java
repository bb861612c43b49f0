package io.denalij.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RomAtTopTest {
    static byte[] image(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) b[i] = (byte) (i ^ (i >>> 8));
        return b;
    }

    @Test void romEndsAtFourGigabytesAndReadsBack() {
        PhysicalMemory ram = new PhysicalMemory(1 << 20);
        byte[] rom = image(0x10000);
        ram.mapRomAtTop(rom);
        assertEquals(rom[0] & 0xFF, ram.read8(0xFFFF0000));
        assertEquals(rom[0xFFF0] & 0xFF, ram.read8(0xFFFFFFF0));
        assertEquals((rom[0x1234] & 0xFF) | (rom[0x1235] & 0xFF) << 8, ram.read16(0xFFFF1234));
        assertEquals(0xFF, ram.read8(0xFFFEFFFF));                     // just below: empty bus
        assertEquals(0xFF, ram.read8(0x00100000));                     // above RAM: empty bus
    }

    @Test void writesToRomAreDropped() {
        PhysicalMemory ram = new PhysicalMemory(1 << 20);
        byte[] rom = image(0x10000);
        ram.mapRomAtTop(rom);
        long before = ram.unbackedAccesses();
        ram.write32(0xFFFFFFF0, 0x12345678);
        assertEquals(rom[0xFFF0] & 0xFF, ram.read8(0xFFFFFFF0));
        assertEquals(before + 1, ram.unbackedAccesses());
        rom[0xFFF0] = 0;                                                 // the caller's array is copied
        assertEquals(0xF0 ^ 0xFF, ram.read8(0xFFFFFFF0));
    }

    @Test void badImagesAreRefused() {
        PhysicalMemory ram = new PhysicalMemory(1 << 20);
        assertEquals("a ROM image must be a non-empty multiple of 4 KiB, not 100 bytes",
                assertThrows(IllegalArgumentException.class, () -> ram.mapRomAtTop(new byte[100])).getMessage());
        PhysicalMemory full = new PhysicalMemory(1L << 32);
        assertEquals("a ROM of 64 KiB at the top of 4 GiB would overlap guest RAM (0x100000000 bytes)",
                assertThrows(IllegalArgumentException.class, () -> full.mapRomAtTop(new byte[0x10000])).getMessage());
    }
}
