package io.denalij.mmu.image;

import io.denalij.mmu.PhysicalMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Loads a Multiboot v1 (spec 0.6.96) kernel into guest RAM the way QEMU's {@code -kernel} does,
 * and writes the multiboot information structure.
 *
 * <h2>What is loaded</h2>
 * The multiboot header is the first 4-byte aligned {@code 0x1BADB002} in the first 8192 bytes
 * whose checksum is right ({@code magic + flags + checksum == 0}); a magic with a wrong checksum
 * is skipped like QEMU does, and reported if no valid header follows. With header flag 16 (the
 * a.out kludge) the header's {@code load_addr/load_end_addr/bss_end_addr/entry_addr} say where the
 * file goes, whatever its format; otherwise the kernel must be an ELF32 i386 executable whose
 * PT_LOAD segments are copied to their physical addresses ({@code p_paddr}) with the bss zeroed.
 * Like QEMU, an ELF entry point inside an executable segment linked at {@code p_vaddr != p_paddr}
 * is moved to the matching physical address (paging is off at entry).
 *
 * <p>Required header flags (bits 0-15): bit 0 (page-aligned modules) is trivially met (no modules),
 * bit 1 (memory information) is provided, bit 2 (video mode) is <em>ignored</em>, as QEMU does:
 * no video mode is set and the info structure has no VBE or framebuffer fields. Any other bit in
 * 0-15 is rejected, as the spec requires.
 *
 * <h2>Information structure</h2>
 * In low memory, where QEMU puts it: the memory map at {@link #MMAP_ADDRESS} (0x9000), the info
 * structure at {@link #INFO_ADDRESS} (0x9500), then a GDT, the boot loader name and the command
 * line. Flags are MEMORY, BOOT_DEVICE (0x8000FFFF, as QEMU), CMDLINE, MODS (count 0), MMAP and
 * BOOT_LOADER_NAME ("Denali-J"). {@code mem_lower} is 639 KiB and {@code mem_upper} is
 * {@code (RAM - 1 MiB - 128 KiB) / 1 KiB}; the map is [0, 0x9FC00) available, [0x9FC00, 0xA0000) reserved
 * (EBDA), [0xF0000, 0x100000) reserved (BIOS), [1 MiB, RAM - 128 KiB) available, and the top 128 KiB reserved as QEMU's firmware does. ({@code mem_lower} is 639,
 * not 640, to agree with that map and with what QEMU's BIOS reports.)
 *
 * <h2>What the caller must set before running at {@link Boot#entry()} (spec section 3.2)</h2>
 * <ul>
 *   <li>EAX = {@link Boot#magic()} (0x2BADB002); EBX = {@link Boot#infoAddress()}; EIP = {@link Boot#entry()}.
 *   <li>CS: a 32-bit execute/read code segment, base 0, limit 0xFFFFFFFF. DS, ES, FS, GS, SS:
 *       32-bit read/write data segments, base 0, limit 0xFFFFFFFF. The selector values are
 *       undefined by the spec; QEMU uses {@link #CODE_SELECTOR} (0x08) and {@link #DATA_SELECTOR}
 *       (0x10), which index the GDT this loader writes at {@link Boot#gdtBase()}.
 *   <li>GDTR and IDTR are undefined by the spec (the kernel must load its own before reloading a
 *       segment register or enabling interrupts); pointing GDTR at {@code gdtBase/gdtLimit} makes
 *       early selector reloads behave as under QEMU.
 *   <li>The A20 gate enabled.
 *   <li>CR0: PE set, PG clear (QEMU: CR0 = 0x00000001 exactly); CPL 0.
 *   <li>EFLAGS: VM and IF clear (QEMU also clears DF: EFLAGS = 0x00000002).
 *   <li>ESP undefined: the kernel sets up its own stack.
 * </ul>
 */
public final class MultibootLoader {
    public static final int HEADER_MAGIC = 0x1BADB002;
    public static final int BOOTLOADER_MAGIC = 0x2BADB002;
    /** The header must lie entirely in the first 8192 bytes of the file. */
    public static final int SEARCH_LIMIT = 8192;

    static final int HEADER_AOUT_KLUDGE = 1 << 16;
    /** Required-feature bits this loader satisfies (0: page-aligned modules, 1: memory info) or ignores (2: video). */
    static final int HEADER_KNOWN_REQUIRED = 0x7;

    public static final int INFO_MEMORY = 1, INFO_BOOT_DEVICE = 1 << 1, INFO_CMDLINE = 1 << 2, INFO_MODS = 1 << 3,
            INFO_MMAP = 1 << 6, INFO_BOOT_LOADER_NAME = 1 << 9;
    /** Size of the info structure written (through the VBE fields, as QEMU). */
    public static final int INFO_SIZE = 88;

    public static final int MMAP_ADDRESS = 0x9000, INFO_ADDRESS = 0x9500, GDT_ADDRESS = 0x9560,
            BOOT_LOADER_NAME_ADDRESS = 0x9580, MODS_ADDRESS = 0x95A0, CMDLINE_ADDRESS = 0x9600;
    /** Start of the EBDA: the command line must end below it. */
    public static final int LOW_MEMORY_END = 0x9FC00;
    public static final String BOOT_LOADER_NAME = "Denali-J";
    public static final int BOOT_DEVICE = 0x8000FFFF;
    public static final int CODE_SELECTOR = 0x08, DATA_SELECTOR = 0x10;
    public static final int MEM_LOWER_KIB = 639;
    public static final int MMAP_AVAILABLE = 1, MMAP_RESERVED = 2;

    private static final long ONE_MIB = 1 << 20;
    /** RAM at the top that QEMU's firmware reserves (its ACPI and high tables): 128 KiB. */
    public static final long TOP_RESERVED = 128 << 10;
    /** Null, flat 32-bit code (0x08), flat 32-bit data (0x10): base 0, limit 0xFFFFF pages, DPL 0. */
    private static final long[] GDT = {0, 0x00CF_9A00_0000_FFFFL, 0x00CF_9200_0000_FFFFL};

    /** Where and how the kernel starts: EIP, EBX and EAX, and a GDT matching the selectors above. */
    public record Boot(int entry, int infoAddress, int magic, int gdtBase, int gdtLimit) {}

    private MultibootLoader() {}

    /** The command line QEMU passes: the kernel's file name, a space, then {@code -append} (possibly empty). */
    public static String qemuCommandLine(String kernelPath, String append) {
        return kernelPath + " " + (append == null ? "" : append);
    }

    /**
     * Loads {@code kernel} into {@code ram} and writes the multiboot information.
     *
     * @param commandLine the string the info structure's {@code cmdline} points to (see {@link #qemuCommandLine})
     * @throws IllegalArgumentException naming the problem: no or bad multiboot header, unsupported
     *     required flags, an invalid ELF file, a kernel that does not fit in RAM or that overlaps
     *     the information area
     */
    public static Boot load(PhysicalMemory ram, byte[] kernel, String commandLine) {
        if (ram.size() < ONE_MIB) {
            throw new IllegalArgumentException(String.format(
                    "guest RAM of %d KiB is too small for a multiboot kernel: need at least 1 MiB", ram.size() >> 10));
        }
        byte[] cmdline = (commandLine + "\0").getBytes(StandardCharsets.UTF_8);
        if (CMDLINE_ADDRESS + cmdline.length > LOW_MEMORY_END) {
            throw new IllegalArgumentException("kernel command line too long: " + (cmdline.length - 1) + " bytes");
        }
        Header header = Header.find(kernel);
        int unsupported = header.flags & 0xFFFF & ~HEADER_KNOWN_REQUIRED;
        if (unsupported != 0) {
            throw new IllegalArgumentException(String.format(
                    "multiboot header requires features this loader lacks (flag bits 0x%04x; only bits 0-2 are known)",
                    unsupported));
        }
        long lowEnd = CMDLINE_ADDRESS + cmdline.length;
        int entry = (header.flags & HEADER_AOUT_KLUDGE) != 0
                ? loadAout(ram, kernel, header, lowEnd)
                : loadElf(ram, kernel, lowEnd);
        writeInfo(ram, cmdline);
        return new Boot(entry, INFO_ADDRESS, BOOTLOADER_MAGIC, GDT_ADDRESS, GDT.length * 8 - 1);
    }

    /** A valid multiboot header: its file offset and its fields as 32-bit words. */
    record Header(int offset, int flags, int[] words) {
        static Header find(byte[] kernel) {
            ByteBuffer b = ByteBuffer.wrap(kernel).order(ByteOrder.LITTLE_ENDIAN);
            int limit = Math.min(SEARCH_LIMIT, kernel.length);
            int badAt = -1, badSum = 0;
            for (int at = 0; at + 12 <= limit; at += 4) {
                if (b.getInt(at) != HEADER_MAGIC) continue;
                int flags = b.getInt(at + 4);
                int sum = HEADER_MAGIC + flags + b.getInt(at + 8);
                if (sum == 0) {
                    int n = Math.min(8, (limit - at) / 4);
                    int[] words = new int[8];
                    for (int k = 0; k < n; k++) words[k] = b.getInt(at + 4 * k);
                    if ((flags & HEADER_AOUT_KLUDGE) != 0 && n < 8) {
                        throw new IllegalArgumentException(String.format(
                                "multiboot header at file offset 0x%x sets the a.out kludge (flag 16) but its address"
                                        + " fields extend past the first %d bytes of the file", at, limit));
                    }
                    return new Header(at, flags, words);
                }
                if (badAt < 0) {
                    badAt = at;
                    badSum = sum;
                }
            }
            if (badAt >= 0) {
                throw new IllegalArgumentException(String.format(
                        "multiboot header at file offset 0x%x has a bad checksum (magic + flags + checksum = 0x%08x, must be 0)",
                        badAt, badSum));
            }
            throw new IllegalArgumentException(String.format(
                    "not a multiboot kernel: no multiboot header (magic 0x%08X) in the first %d bytes", HEADER_MAGIC, SEARCH_LIMIT));
        }

        long word(int index) { return Integer.toUnsignedLong(words[index]); }
    }

    /** Header flag 16: the file is loaded by the header's addresses (multiboot spec 3.1.3). */
    private static int loadAout(PhysicalMemory ram, byte[] kernel, Header h, long lowEnd) {
        long headerAddr = h.word(3), loadAddr = h.word(4), loadEndAddr = h.word(5), bssEndAddr = h.word(6);
        if (headerAddr < loadAddr) {
            throw new IllegalArgumentException(String.format(
                    "multiboot a.out kludge: header_addr 0x%x is below load_addr 0x%x", headerAddr, loadAddr));
        }
        if (headerAddr - loadAddr > h.offset) {
            throw new IllegalArgumentException(String.format(
                    "multiboot a.out kludge: load_addr 0x%x would start 0x%x bytes before the file",
                    loadAddr, headerAddr - loadAddr - h.offset));
        }
        long fileOffset = h.offset - (headerAddr - loadAddr);
        long loadSize;
        if (loadEndAddr != 0) {
            if (loadEndAddr < loadAddr) {
                throw new IllegalArgumentException(String.format(
                        "multiboot a.out kludge: load_end_addr 0x%x is below load_addr 0x%x", loadEndAddr, loadAddr));
            }
            loadSize = loadEndAddr - loadAddr;
        } else {
            loadSize = kernel.length - fileOffset;
        }
        if (fileOffset + loadSize > kernel.length) {
            throw new IllegalArgumentException(String.format(
                    "multiboot a.out kludge: file range [0x%x, 0x%x) extends past the end of the file (0x%x bytes)",
                    fileOffset, fileOffset + loadSize, kernel.length));
        }
        long end = loadAddr + loadSize;
        if (bssEndAddr != 0) {
            if (bssEndAddr < end) {
                throw new IllegalArgumentException(String.format(
                        "multiboot a.out kludge: bss_end_addr 0x%x is below the end of the loaded image 0x%x", bssEndAddr, end));
            }
            end = bssEndAddr;
        }
        checkPlacement(ram, "the a.out kludge image", loadAddr, end, lowEnd);
        ram.load(loadAddr, kernel, (int) fileOffset, (int) loadSize);
        ram.zero(loadAddr + loadSize, end - loadAddr - loadSize);
        return h.words[7];
    }

    private static int loadElf(PhysicalMemory ram, byte[] kernel, long lowEnd) {
        ElfImage elf;
        try {
            elf = ElfImage.parse(kernel);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "multiboot kernel without the a.out kludge (flag 16) must be an ELF executable: " + e.getMessage(), e);
        }
        for (ElfImage.Segment s : elf.loadSegments()) {
            if (s.memSize() == 0) continue;
            checkPlacement(ram, "ELF segment " + s.index(), s.paddr(), s.paddr() + s.memSize(), lowEnd);
        }
        long entry = elf.entry();
        for (ElfImage.Segment s : elf.loadSegments()) {
            if (s.memSize() == 0) continue;
            ram.load(s.paddr(), s.fileBytes(), 0, s.fileBytes().length);
            ram.zero(s.paddr() + s.fileBytes().length, s.memSize() - s.fileBytes().length);
            if (s.executable() && s.vaddr() != s.paddr()
                    && elf.entry() >= s.vaddr() && elf.entry() - s.vaddr() < s.fileBytes().length) {
                entry = elf.entry() - s.vaddr() + s.paddr();
            }
        }
        return (int) entry;
    }

    private static void checkPlacement(PhysicalMemory ram, String what, long start, long end, long lowEnd) {
        if (end > ram.size()) {
            throw new IllegalArgumentException(String.format(
                    "%s [0x%x, 0x%x) does not fit in guest RAM (0x%x bytes)", what, start, end, ram.size()));
        }
        if (start < lowEnd && end > MMAP_ADDRESS) {
            throw new IllegalArgumentException(String.format(
                    "%s [0x%x, 0x%x) overlaps the multiboot information area [0x%x, 0x%x)", what, start, end, MMAP_ADDRESS, lowEnd));
        }
    }

    private static void writeInfo(PhysicalMemory ram, byte[] cmdline) {
        long ramSize = ram.size();
        ByteBuffer mmap = ByteBuffer.allocate(5 * 24).order(ByteOrder.LITTLE_ENDIAN);
        mmapEntry(mmap, 0, 0x9FC00, MMAP_AVAILABLE);
        mmapEntry(mmap, 0x9FC00, 0x400, MMAP_RESERVED);
        mmapEntry(mmap, 0xF0000, 0x10000, MMAP_RESERVED);
        // QEMU's firmware keeps the top 128 KiB of RAM for its own tables; reserving it too makes
        // mem_upper and the map the same numbers a kernel sees under qemu-system-i386 -kernel.
        long usableEnd = ramSize >= 2 * ONE_MIB ? ramSize - TOP_RESERVED : ramSize;
        if (usableEnd > ONE_MIB) mmapEntry(mmap, ONE_MIB, usableEnd - ONE_MIB, MMAP_AVAILABLE);
        if (usableEnd < ramSize) mmapEntry(mmap, usableEnd, ramSize - usableEnd, MMAP_RESERVED);
        ram.load(MMAP_ADDRESS, mmap.array(), 0, mmap.position());

        ByteBuffer info = ByteBuffer.allocate(INFO_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        info.putInt(0, INFO_MEMORY | INFO_BOOT_DEVICE | INFO_CMDLINE | INFO_MODS | INFO_MMAP | INFO_BOOT_LOADER_NAME);
        info.putInt(4, MEM_LOWER_KIB);
        info.putInt(8, (int) ((usableEnd - ONE_MIB) >>> 10));
        info.putInt(12, BOOT_DEVICE);
        info.putInt(16, CMDLINE_ADDRESS);
        info.putInt(20, 0);               // mods_count
        info.putInt(24, MODS_ADDRESS);
        info.putInt(44, mmap.position()); // mmap_length
        info.putInt(48, MMAP_ADDRESS);
        info.putInt(64, BOOT_LOADER_NAME_ADDRESS);
        ram.load(INFO_ADDRESS, info.array(), 0, INFO_SIZE);

        ByteBuffer gdt = ByteBuffer.allocate(GDT.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long d : GDT) gdt.putLong(d);
        ram.load(GDT_ADDRESS, gdt.array(), 0, gdt.capacity());
        byte[] name = (BOOT_LOADER_NAME + "\0").getBytes(StandardCharsets.US_ASCII);
        ram.load(BOOT_LOADER_NAME_ADDRESS, name, 0, name.length);
        ram.load(CMDLINE_ADDRESS, cmdline, 0, cmdline.length);
    }

    private static void mmapEntry(ByteBuffer b, long base, long length, int type) {
        b.putInt(20).putLong(base).putLong(length).putInt(type);
    }
}
