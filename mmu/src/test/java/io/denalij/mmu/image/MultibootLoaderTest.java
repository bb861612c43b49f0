package io.denalij.mmu.image;

import static io.denalij.mmu.image.ElfBuilder.concat;
import static io.denalij.mmu.image.ElfBuilder.multibootHeader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denalij.mmu.PhysicalMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MultibootLoaderTest {
    static final int MiB = 1 << 20;
    static final byte[] CODE = {(byte) 0xFA, (byte) 0xF4, (byte) 0xEB, (byte) 0xFC}; // cli; hlt; jmp $-2

    final PhysicalMemory ram = new PhysicalMemory(32 * MiB);

    /** A kernel at 1 MiB: multiboot header + code in a text segment, 6 data bytes + bss in a second. */
    static ElfBuilder kernel(int headerFlags) {
        byte[] text = concat(multibootHeader(headerFlags), CODE);
        return new ElfBuilder().entry(0x10_000C)
                .load(0x10_0000, 0x10_0000, text, text.length, ElfImage.PF_R | ElfImage.PF_X)
                .load(0x10_1000, 0x10_1000, new byte[] {1, 2, 3, 4, 5, 6}, 0x3000, ElfImage.PF_R | ElfImage.PF_W);
    }

    byte[] ramBytes(long at, int len) {
        byte[] out = new byte[len];
        ram.copyOut(at, out, 0, len);
        return out;
    }

    static IllegalArgumentException rejected(PhysicalMemory ram, byte[] kernel) {
        return assertThrows(IllegalArgumentException.class, () -> MultibootLoader.load(ram, kernel, "k"));
    }

    @Test void loadsElfSegmentsAndZeroesTheBss() {
        ram.write32(0x10_1100, 0xFFFF_FFFF); // garbage where the bss will be
        ram.write32(0x10_3FFC, 0x1234_5678);
        ram.write32(0x10_4000, 0x0BAD_F00D); // just past the bss: must survive
        MultibootLoader.Boot boot = MultibootLoader.load(ram, kernel(0).build(), "/k.elf console=ttyS0");
        assertEquals(new MultibootLoader.Boot(0x10_000C, 0x9500, 0x2BADB002, 0x9560, 23), boot);
        assertArrayEquals(concat(multibootHeader(0), CODE), ramBytes(0x10_0000, 16));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 0, 0}, ramBytes(0x10_1000, 8));
        assertEquals(0, ram.read32(0x10_1100));
        assertEquals(0, ram.read32(0x10_3FFC));
        assertEquals(0x0BAD_F00D, ram.read32(0x10_4000));
    }

    @Test void writesTheInfoStructureByteForByte() {
        MultibootLoader.load(ram, kernel(0).build(), "/k.elf console=ttyS0");
        ByteBuffer info = ByteBuffer.allocate(88).order(ByteOrder.LITTLE_ENDIAN);
        info.putInt(0x24F);                 // MEMORY | BOOT_DEVICE | CMDLINE | MODS | MMAP | BOOT_LOADER_NAME
        info.putInt(639);                   // mem_lower
        info.putInt((32 * MiB - MiB - 128 * 1024) / 1024); // mem_upper = 31616: QEMU's firmware keeps the top 128 KiB
        info.putInt(0x8000FFFF);            // boot_device
        info.putInt(0x9600);                // cmdline
        info.putInt(0).putInt(0x95A0);      // mods_count, mods_addr
        info.putInt(0).putInt(0).putInt(0).putInt(0); // syms
        info.putInt(120).putInt(0x9000);    // mmap_length, mmap_addr
        info.putInt(0).putInt(0).putInt(0); // drives_length, drives_addr, config_table
        info.putInt(0x9580);                // boot_loader_name
        assertArrayEquals(info.array(), ramBytes(0x9500, 88));
        assertEquals(31616, ram.read32(0x9508));

        ByteBuffer mmap = ByteBuffer.allocate(120).order(ByteOrder.LITTLE_ENDIAN);
        mmap.putInt(20).putLong(0).putLong(0x9FC00).putInt(1);
        mmap.putInt(20).putLong(0x9FC00).putLong(0x400).putInt(2);
        mmap.putInt(20).putLong(0xF0000).putLong(0x10000).putInt(2);
        mmap.putInt(20).putLong(MiB).putLong(31L * MiB - 128 * 1024).putInt(1);
        mmap.putInt(20).putLong(32L * MiB - 128 * 1024).putLong(128 * 1024).putInt(2);
        assertArrayEquals(mmap.array(), ramBytes(0x9000, 120));

        assertArrayEquals("/k.elf console=ttyS0\0".getBytes(StandardCharsets.US_ASCII), ramBytes(0x9600, 21));
        assertArrayEquals("Denali-J\0".getBytes(StandardCharsets.US_ASCII), ramBytes(0x9580, 9));
        assertArrayEquals(new byte[] {
                0, 0, 0, 0, 0, 0, 0, 0,
                -1, -1, 0, 0, 0, (byte) 0x9A, (byte) 0xCF, 0,
                -1, -1, 0, 0, 0, (byte) 0x92, (byte) 0xCF, 0}, ramBytes(0x9560, 24));
    }

    @Test void qemuCommandLineIsFileNameSpaceAppend() {
        assertEquals("kernels/sys.elf quiet", MultibootLoader.qemuCommandLine("kernels/sys.elf", "quiet"));
        assertEquals("sys.elf ", MultibootLoader.qemuCommandLine("sys.elf", null));
    }

    @Test void aHigherHalfEntryPointIsMovedToItsPhysicalAddress() {
        byte[] text = concat(multibootHeader(0), CODE);
        byte[] file = new ElfBuilder().entry(0xC010_000C)
                .load(0xC010_0000, 0x10_0000, text, text.length, ElfImage.PF_R | ElfImage.PF_X).build();
        assertEquals(0x10_000C, MultibootLoader.load(ram, file, "").entry());
        assertArrayEquals(CODE, ramBytes(0x10_000C, 4));
    }

    @Test void aLargeBssAllocatesNothing() {
        byte[] text = concat(multibootHeader(0), CODE);
        byte[] file = new ElfBuilder().entry(0x10_000C)
                .load(0x10_0000, 0x10_0000, text, 16 * MiB, ElfImage.PF_R | ElfImage.PF_W | ElfImage.PF_X).build();
        MultibootLoader.load(ram, file, "");
        assertEquals(2, ram.residentPages(), "the kernel's page and the info page at 0x9000; the bss stays unallocated");
    }

    @Test void findsTheHeaderAnywhereAlignedInTheFirst8K() {
        byte[] late = new byte[8192 - 32]; // the a.out kludge header is 32 bytes: it just fits
        byte[] image = concat(late, multibootHeader(1 << 16, 0x10_0000 + 8192 - 32, 0x10_0000, 0, 0x10_4000, 0x10_0000));
        MultibootLoader.Boot boot = MultibootLoader.load(ram, image, "");
        assertEquals(0x10_0000, boot.entry());
        assertEquals(0x1BADB002, ram.read32(0x10_0000 + 8192 - 32));
        byte[] straddling = concat(new byte[8192 - 12], multibootHeader(1 << 16, 0, 0, 0, 0, 0));
        assertEquals("multiboot header at file offset 0x1ff4 sets the a.out kludge (flag 16) but its address fields"
                + " extend past the first 8192 bytes of the file", rejected(ram, straddling).getMessage());

        byte[] tooLate = concat(new byte[8192 - 8], multibootHeader(0));
        assertEquals("not a multiboot kernel: no multiboot header (magic 0x1BADB002) in the first 8192 bytes",
                rejected(ram, tooLate).getMessage());
        byte[] unaligned = concat(new byte[2], multibootHeader(0), new byte[2]);
        assertEquals("not a multiboot kernel: no multiboot header (magic 0x1BADB002) in the first 8192 bytes",
                rejected(ram, unaligned).getMessage());
    }

    @Test void aBadChecksumIsReportedUnlessAValidHeaderFollows() {
        byte[] bad = multibootHeader(0);
        bad[8]++;
        assertEquals("multiboot header at file offset 0x10 has a bad checksum (magic + flags + checksum = 0x00000001, must be 0)",
                rejected(ram, concat(new byte[16], bad, new byte[64])).getMessage());
        byte[] thenGood = concat(bad, multibootHeader(1 << 16, 0x20_000C, 0x20_0000, 0, 0, 0x20_0040));
        assertEquals(0x20_0040, MultibootLoader.load(ram, thenGood, "").entry());
    }

    @Test void videoModeIsIgnoredButUnknownRequiredFlagsAreRejected() {
        assertEquals(0x10_000C, MultibootLoader.load(ram, kernel(0x7).build(), "").entry());
        assertEquals("multiboot header requires features this loader lacks (flag bits 0x0008; only bits 0-2 are known)",
                rejected(ram, kernel(0x8 | 0x3).build()).getMessage());
        // Optional bits 17-31 are fine.
        assertEquals(0x10_000C, MultibootLoader.load(ram, kernel(1 << 20).build(), "").entry());
    }

    @Test void aoutKludgeLoadsByTheHeaderAddresses() {
        // A raw binary (not ELF): 16 bytes of prefix, then the header at file offset 16, then code.
        // header_addr 0x200010 - load_addr 0x200000 = 16: the file's first byte goes to 0x200000.
        byte[] header = multibootHeader(1 << 16, 0x20_0010, 0x20_0000, 0x20_0030, 0x20_2000, 0x20_002C);
        byte[] image = concat(new byte[] {9, 9, 9, 9, 8, 8, 8, 8, 7, 7, 7, 7, 6, 6, 6, 6}, header, CODE, new byte[] {5, 5, 5, 5});
        ram.write32(0x20_0030, -1); // first bss byte (load_end_addr): must be zeroed
        ram.write32(0x20_1FFC, -1);
        MultibootLoader.Boot boot = MultibootLoader.load(ram, image, "");
        assertEquals(0x20_002C, boot.entry());
        assertArrayEquals(Arrays.copyOf(image, 0x30), ramBytes(0x20_0000, 0x30));
        assertEquals(0, ram.read32(0x20_0030), "bytes after load_end_addr are bss, not file");
        assertEquals(0, ram.read32(0x20_1FFC));
    }

    @Test void aoutKludgeWithoutLoadEndLoadsTheRestOfTheFile() {
        byte[] header = multibootHeader(1 << 16, 0x20_0000, 0x20_0000, 0, 0, 0x20_0020);
        byte[] image = concat(header, CODE, new byte[] {1, 2, 3});
        MultibootLoader.load(ram, image, "");
        assertArrayEquals(image, ramBytes(0x20_0000, image.length));
    }

    @Test void rejectsInconsistentAoutAddresses() {
        assertEquals("multiboot a.out kludge: header_addr 0x1ffff0 is below load_addr 0x200000",
                rejected(ram, multibootHeader(1 << 16, 0x1F_FFF0, 0x20_0000, 0, 0, 0)).getMessage());
        assertEquals("multiboot a.out kludge: load_addr 0x200000 would start 0x10 bytes before the file",
                rejected(ram, multibootHeader(1 << 16, 0x20_0010, 0x20_0000, 0, 0, 0)).getMessage());
        assertEquals("multiboot a.out kludge: load_end_addr 0x1fffff is below load_addr 0x200000",
                rejected(ram, multibootHeader(1 << 16, 0x20_0000, 0x20_0000, 0x1F_FFFF, 0, 0)).getMessage());
        assertEquals("multiboot a.out kludge: file range [0x0, 0x1000) extends past the end of the file (0x20 bytes)",
                rejected(ram, multibootHeader(1 << 16, 0x20_0000, 0x20_0000, 0x20_1000, 0, 0)).getMessage());
        assertEquals("multiboot a.out kludge: bss_end_addr 0x200010 is below the end of the loaded image 0x200020",
                rejected(ram, multibootHeader(1 << 16, 0x20_0000, 0x20_0000, 0x20_0020, 0x20_0010, 0)).getMessage());
        assertEquals("multiboot header at file offset 0x0 sets the a.out kludge (flag 16) but its address fields"
                        + " extend past the first 16 bytes of the file",
                rejected(ram, concat(multibootHeader(1 << 16), new byte[4])).getMessage());
    }

    @Test void withoutTheKludgeTheKernelMustBeElf() {
        IllegalArgumentException e = rejected(ram, concat(multibootHeader(0), CODE));
        assertEquals("multiboot kernel without the a.out kludge (flag 16) must be an ELF executable:"
                + " not an ELF file (no \\x7fELF magic)", e.getMessage());
        byte[] elf64 = kernel(0).build();
        elf64[4] = 2;
        assertTrue(rejected(ram, elf64).getMessage().endsWith("64-bit ELF file (ELFCLASS64): need a 32-bit i386 executable"));
    }

    @Test void rejectsKernelsThatDoNotFitOrOverlapTheInfoArea() {
        PhysicalMemory small = new PhysicalMemory(MiB + 0x2000);
        assertEquals("ELF segment 1 [0x101000, 0x104000) does not fit in guest RAM (0x102000 bytes)",
                rejected(small, kernel(0).build()).getMessage());
        byte[] text = concat(multibootHeader(0), CODE);
        byte[] low = new ElfBuilder().entry(0x8000)
                .load(0x8000, 0x8000, text, 0x1008, ElfImage.PF_R | ElfImage.PF_X).build();
        assertEquals("ELF segment 0 [0x8000, 0x9008) overlaps the multiboot information area [0x9000, 0x9602)",
                assertThrows(IllegalArgumentException.class, () -> MultibootLoader.load(ram, low, "x")).getMessage());
        assertEquals("guest RAM of 512 KiB is too small for a multiboot kernel: need at least 1 MiB",
                rejected(new PhysicalMemory(MiB / 2), kernel(0).build()).getMessage());
    }

    @Test void exactlyOneMiBOfRamHasNoUpperMemory() {
        PhysicalMemory oneMiB = new PhysicalMemory(MiB);
        byte[] image = concat(multibootHeader(1 << 16, 0x2_0000, 0x2_0000, 0, 0, 0x2_000C), CODE);
        MultibootLoader.load(oneMiB, image, "");
        assertEquals(0, oneMiB.read32(0x9508));
        assertEquals(72, oneMiB.read32(0x9500 + 44));
    }
}
