package io.denalij.devices.denali;

import static org.junit.jupiter.api.Assertions.*;

import io.denalij.mmu.PhysicalMemory;
import org.junit.jupiter.api.Test;

class GuestMemoryAccessTest {
    private final PhysicalMemory ram = new PhysicalMemory(64 * 1024);
    private final GuestMemoryAccess mem = new GuestMemoryAccess(ram);

    @Test
    void fieldsAreLittleEndianAndMayCrossAPage() {
        mem.writeField(0x1FFE, 0, 0x11223344);
        mem.writeField(0x1FFE, 1, 0xCAFEBABE);
        assertEquals(0x44, ram.read8(0x1FFE));
        assertEquals(0x33, ram.read8(0x1FFF));
        assertEquals(0x22, ram.read8(0x2000));
        assertEquals(0x11, ram.read8(0x2001));
        assertArrayEquals(new int[] {0x11223344, 0xCAFEBABE}, mem.readFields(0x1FFE, 2, "block"));
    }

    @Test
    void copiesAcrossSeveralPages() {
        byte[] data = new byte[3 * 4096 + 100];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 7 + 3);
        mem.write(0x0F80, data, 0, data.length);
        for (int i = 0; i < data.length; i += 997) assertEquals(data[i] & 0xFF, ram.read8(0x0F80 + i));
        byte[] back = new byte[data.length];
        mem.read(0x0F80, back, 0, back.length);
        assertArrayEquals(data, back);
    }

    @Test
    void rangeMustLieInRam() {
        mem.checkRange(0, 64 * 1024, "all of RAM");
        mem.checkRange(0xFFFC, 4, "last word");
        DeviceAccessFault start = assertThrows(DeviceAccessFault.class, () -> mem.checkRange(0x10000, 1, "x"));
        assertEquals(0x10000, start.address());
        DeviceAccessFault end = assertThrows(DeviceAccessFault.class, () -> mem.checkRange(0xFFFE, 4, "x"));
        assertEquals(0x10000, end.address(), "first byte past RAM");
    }

    @Test
    void rangeWrappingAround4GiBIsRefusedEvenWithFullSizedRam() {
        PhysicalMemory big = new PhysicalMemory(1L << 32);
        GuestMemoryAccess all = new GuestMemoryAccess(big);
        all.checkRange(0xFFFF_F000, 0x1000, "last page");
        DeviceAccessFault f = assertThrows(DeviceAccessFault.class, () -> all.checkRange(0xFFFF_F000, 0x2000, "wrap"));
        assertEquals(1L << 32, f.address());
        assertEquals(0, big.residentPages(), "nothing was touched");
        // In a small RAM the same request fails at its start.
        DeviceAccessFault small = assertThrows(DeviceAccessFault.class, () -> mem.write(0xFFFF_FFFE, new byte[4], 0, 4));
        assertEquals(0xFFFF_FFFEL, small.address());
    }

    @Test
    void faultHappensBeforeAnyByteMoves() {
        byte[] data = new byte[8];
        java.util.Arrays.fill(data, (byte) 0x5A);
        assertThrows(DeviceAccessFault.class, () -> mem.write(0xFFFC, data, 0, 8));
        assertEquals(0, ram.read8(0xFFFC), "no partial write at the end of RAM");
    }
}
