package io.denalij.mmu.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denalij.mmu.PhysicalMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LinuxBootLoaderTest {
    static final int MiB = 1 << 20;
    static final int ZP = LinuxBootLoader.ZERO_PAGE;

    /** A bzImage-shaped file: {@code setupSects} sectors of setup after the boot sector, then the protected-mode part. */
    static byte[] bzImage(int version, int setupSects, byte[] protectedMode, int initSize) {
        int setup = ((setupSects == 0 ? 4 : setupSects) + 1) * 512;
        ByteBuffer b = ByteBuffer.allocate(setup + protectedMode.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1F1, (byte) setupSects);
        b.putShort(0x1FE, (short) 0xAA55);
        b.put(0x200, (byte) 0xEB).put(0x201, (byte) 0x6A);           // jmp to 0x26C: the header ends there
        b.putInt(0x202, 0x53726448);
        b.putShort(0x206, (short) version);
        b.put(0x210, (byte) 0);
        b.put(0x211, (byte) (0x01 | 0x20));                           // LOADED_HIGH | QUIET_FLAG
        b.putInt(0x214, 0x100000);                                     // code32_start
        b.putInt(0x22C, 0x37FFFFFF);                                   // initrd_addr_max
        b.putInt(0x238, 64);                                           // cmdline_size
        b.putInt(0x260, initSize);
        b.putInt(0x26C, 0xDEADBEEF);                                   // past the header: must not be copied
        b.put(setup, protectedMode);
        return b.array();
    }

    static byte[] pm() {
        byte[] p = new byte[3000];
        for (int i = 0; i < p.length; i++) p[i] = (byte) (i * 7 + 1);
        return p;
    }

    final PhysicalMemory ram = new PhysicalMemory(64 * MiB);

    byte[] bytes(long at, int n) {
        byte[] out = new byte[n];
        ram.copyOut(at, out, 0, n);
        return out;
    }

    @Test void recognisesTheSetupHeaderMagic() {
        assertTrue(LinuxBootLoader.isLinuxKernel(bzImage(0x20F, 2, pm(), 0)));
        byte[] elf = new byte[1024];
        elf[0] = 0x7F; elf[1] = 'E'; elf[2] = 'L'; elf[3] = 'F';
        assertFalse(LinuxBootLoader.isLinuxKernel(elf));
        assertFalse(LinuxBootLoader.isLinuxKernel(new byte[100]));
    }

    @Test void loadsTheProtectedModeKernelAtOneMegabyteAndFillsBootParams() {
        byte[] kernel = bzImage(0x20F, 2, pm(), 0x8000);
        ram.write32(0x100000 + 3000, 0xFFFFFFFF);                     // inside init_size: zeroed
        byte[] initrd = "initrd-bytes".getBytes(StandardCharsets.US_ASCII);
        LinuxBootLoader.Boot boot = LinuxBootLoader.load(ram, kernel, initrd, "console=ttyS0 quiet", 0xE0000);

        assertEquals(0x100000, boot.entry());
        assertEquals(ZP, boot.bootParams());
        assertEquals(0x20F, boot.protocolVersion());
        assertArrayEquals(pm(), bytes(0x100000, 3000));               // from file offset (2 + 1) * 512
        assertEquals(0, ram.read32(0x100000 + 3000));

        // the header is copied from 0x1F1 to its end (0x202 + 0x6A), nothing beyond
        assertEquals(0x53726448, ram.read32(ZP + 0x202));
        assertEquals(0x20F, ram.read16(ZP + 0x206));
        assertEquals(0xAA55, ram.read16(ZP + 0x1FE));
        assertEquals(0, ram.read32(ZP + 0x26C));
        assertEquals(0xFF, ram.read8(ZP + 0x210));                    // type_of_loader: undefined
        assertEquals(0x01, ram.read8(ZP + 0x211));                    // LOADED_HIGH kept, QUIET_FLAG cleared

        assertEquals(LinuxBootLoader.CMDLINE_ADDRESS, ram.read32(ZP + 0x228));
        assertArrayEquals("console=ttyS0 quiet\0".getBytes(StandardCharsets.US_ASCII),
                bytes(LinuxBootLoader.CMDLINE_ADDRESS, 20));

        // initrd: as high as possible below the end of RAM, page aligned
        long initrdAt = (64L * MiB - initrd.length) & ~0xFFFL;
        assertEquals(initrdAt, boot.initrdAddress());
        assertEquals((int) initrdAt, ram.read32(ZP + 0x218));
        assertEquals(initrd.length, ram.read32(ZP + 0x21C));
        assertArrayEquals(initrd, bytes(initrdAt, initrd.length));

        assertEquals(63 * 1024, ram.read32(ZP + 0x1E0));               // alt_mem_k: KiB above 1 MiB
        assertEquals(0xE0000, ram.read32(ZP + 0x070));                 // acpi_rsdp_addr (protocol 2.14+)

        assertEquals(4, ram.read8(ZP + 0x1E8));
        long[][] e820 = {{0, 0x9FC00, 1}, {0x9FC00, 0x400, 2}, {0xE0000, 0x20000, 2}, {0x100000, 63L * MiB, 1}};
        for (int i = 0; i < 4; i++) {
            int at = ZP + 0x2D0 + 20 * i;
            assertEquals(e820[i][0], Integer.toUnsignedLong(ram.read32(at)), "e820[" + i + "].addr");
            assertEquals(0, ram.read32(at + 4));
            assertEquals(e820[i][1], Integer.toUnsignedLong(ram.read32(at + 8)), "e820[" + i + "].size");
            assertEquals(e820[i][2], ram.read32(at + 16), "e820[" + i + "].type");
        }
    }

    @Test void gdtHoldsFlatBootCsAndBootDs() {
        LinuxBootLoader.Boot boot = LinuxBootLoader.load(ram, bzImage(0x20F, 2, pm(), 0), null, "", 0);
        assertEquals(LinuxBootLoader.GDT_ADDRESS, boot.gdtBase());
        assertEquals(31, boot.gdtLimit());
        // 0x10: base 0, limit 0xFFFFF, G, D, present, DPL 0, code execute/read
        assertEquals(0x0000FFFF, ram.read32(boot.gdtBase() + 0x10));
        assertEquals(0x00CF9A00, ram.read32(boot.gdtBase() + 0x14));
        // 0x18: the same as read/write data
        assertEquals(0x0000FFFF, ram.read32(boot.gdtBase() + 0x18));
        assertEquals(0x00CF9200, ram.read32(boot.gdtBase() + 0x1C));
        assertEquals(0, boot.initrdAddress());
        assertEquals(0, ram.read32(ZP + 0x218));
        assertEquals(0, ram.read32(ZP + 0x070));                       // no RSDP given
    }

    /** A relocatable kernel unpacks at pref_address: RAM must reach pref_address + init_size, and the initrd stay above. */
    @Test void initSizeCountsFromThePreferredAddress() {
        byte[] kernel = bzImage(0x20F, 2, pm(), 40 * MiB);
        ByteBuffer.wrap(kernel).order(ByteOrder.LITTLE_ENDIAN).putLong(0x258, 16L * MiB);
        assertEquals("guest RAM of 48 MiB is too small for this kernel: it needs memory up to 0x3800000",
                assertThrows(IllegalArgumentException.class,
                        () -> LinuxBootLoader.load(new PhysicalMemory(48 * MiB), kernel, null, "", 0)).getMessage());
        assertEquals("initrd of 10485760 bytes does not fit between the kernel (ends at 0x3800000) and 0x4000000: give more --mem",
                assertThrows(IllegalArgumentException.class,
                        () -> LinuxBootLoader.load(ram, kernel, new byte[10 * MiB], "", 0)).getMessage());
        LinuxBootLoader.Boot boot = LinuxBootLoader.load(ram, kernel, new byte[4 * MiB], "", 0);
        assertEquals(60L * MiB, boot.initrdAddress());
    }

    @Test void setupSectsZeroMeansFour() {
        LinuxBootLoader.load(ram, bzImage(0x20F, 0, pm(), 0), null, "", 0);
        assertArrayEquals(pm(), bytes(0x100000, 3000));
    }

    @Test void initrdStaysBelowInitrdAddrMax() {
        byte[] kernel = bzImage(0x20F, 2, pm(), 0);
        ByteBuffer.wrap(kernel).order(ByteOrder.LITTLE_ENDIAN).putInt(0x22C, 0x1FFFFFF);   // 32 MiB - 1
        LinuxBootLoader.Boot boot = LinuxBootLoader.load(ram, kernel, new byte[5000], "", 0);
        assertEquals((32L * MiB - 5000) & ~0xFFFL, boot.initrdAddress());
    }

    @Test void oldProtocolsGetTheDefaultLimitsAndNoRsdpField() {
        byte[] kernel = bzImage(0x202, 2, pm(), 0);
        LinuxBootLoader.load(ram, kernel, null, "x".repeat(255), 0xE0000);
        assertEquals(0, ram.read32(ZP + 0x070));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinuxBootLoader.load(ram, kernel, null, "x".repeat(256), 0));
        assertEquals("kernel command line of 256 bytes is longer than this kernel accepts (255)", e.getMessage());
    }

    @Test void rejectionsSayWhy() {
        assertEquals("not a Linux kernel image: no \"HdrS\" setup header at offset 0x202",
                assertThrows(IllegalArgumentException.class,
                        () -> LinuxBootLoader.load(ram, new byte[4096], null, "", 0)).getMessage());
        assertEquals("Linux boot protocol 2.01 is too old: need 2.02 or later",
                assertThrows(IllegalArgumentException.class,
                        () -> LinuxBootLoader.load(ram, bzImage(0x201, 2, pm(), 0), null, "", 0)).getMessage());
        byte[] zImage = bzImage(0x20F, 2, pm(), 0);
        zImage[0x211] = 0;
        assertEquals("zImage kernels (loaded below 1 MiB) are not supported: need a bzImage",
                assertThrows(IllegalArgumentException.class,
                        () -> LinuxBootLoader.load(ram, zImage, null, "", 0)).getMessage());
        assertEquals("kernel command line of 65 bytes is longer than this kernel accepts (64)",
                assertThrows(IllegalArgumentException.class,
                        () -> LinuxBootLoader.load(ram, bzImage(0x20F, 2, pm(), 0), null, "y".repeat(65), 0)).getMessage());
        assertEquals("guest RAM of 64 MiB is too small for this kernel: it needs memory up to 0x5100000",
                assertThrows(IllegalArgumentException.class,
                        () -> LinuxBootLoader.load(ram, bzImage(0x20F, 2, pm(), 80 * MiB), null, "", 0)).getMessage());
        assertEquals("initrd of 62914560 bytes does not fit between the kernel (ends at 0x500000) and 0x4000000: give more --mem",
                assertThrows(IllegalArgumentException.class,
                        () -> LinuxBootLoader.load(ram, bzImage(0x20F, 2, pm(), 4 * MiB), new byte[60 * MiB], "", 0)).getMessage());
    }
}
