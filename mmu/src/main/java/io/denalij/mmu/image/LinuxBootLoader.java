package io.denalij.mmu.image;

import io.denalij.mmu.PhysicalMemory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Loads a Linux/x86 bzImage the way a boot loader using the 32-bit boot protocol does
 * (Linux Documentation/x86/boot.rst): no real-mode setup code runs, the loader fills the
 * "zero page" ({@code struct boot_params}) itself and jumps to the protected-mode kernel.
 *
 * <h2>What is loaded where</h2>
 * <ul>
 *   <li>The protected-mode kernel (the file from offset {@code (setup_sects + 1) * 512}; setup_sects 0 means 4)
 *       at {@link #KERNEL_ADDRESS} (1 MiB), entered at {@code code32_start}.
 *   <li>boot_params at {@link #ZERO_PAGE}: zeroed, then the setup header copied from the file (offset 0x1F1 up
 *       to the end the header's own jump at 0x200 gives), then the loader's fields: {@code type_of_loader} 0xFF
 *       (undefined loader), {@code loadflags} without QUIET_FLAG, {@code cmd_line_ptr}, {@code ramdisk_image}/
 *       {@code ramdisk_size}, {@code alt_mem_k}, the E820 map and (protocol 2.14+) {@code acpi_rsdp_addr}.
 *   <li>The command line at {@link #CMDLINE_ADDRESS}, NUL-terminated, at most {@code cmdline_size} bytes
 *       (255 before protocol 2.06).
 *   <li>The initrd, as QEMU places it: as high as possible, below {@code initrd_addr_max} (0x37FFFFFF before
 *       protocol 2.03) and below the end of RAM, page aligned.
 *   <li>A GDT at {@link #GDT_ADDRESS} with the descriptors the protocol names: {@code __BOOT_CS} (0x10) flat 4 GiB
 *       execute/read and {@code __BOOT_DS} (0x18) flat 4 GiB read/write.
 * </ul>
 *
 * <h2>E820 map</h2>
 * [0, 0x9FC00) RAM, [0x9FC00, 0xA0000) reserved (where a BIOS keeps its EBDA), [0xE0000, 0x100000) reserved
 * (firmware area: the ACPI tables live there), [1 MiB, end of RAM) RAM.
 *
 * <h2>Entry state the caller sets (boot.rst, "32-bit boot protocol")</h2>
 * Protected mode, paging off, CS = {@link #BOOT_CS}, DS = ES = SS = FS = GS = {@link #BOOT_DS} (flat, as the GDT
 * describes), GDTR = {@link Boot#gdtBase()}/{@link Boot#gdtLimit()}, interrupts off, ESI = {@link Boot#bootParams()},
 * EBP = EDI = EBX = 0, EIP = {@link Boot#entry()}.
 */
public final class LinuxBootLoader {
    public static final int ZERO_PAGE = 0x10000, GDT_ADDRESS = 0x11000, CMDLINE_ADDRESS = 0x20000;
    public static final int KERNEL_ADDRESS = 0x100000;
    public static final int BOOT_CS = 0x10, BOOT_DS = 0x18;
    /** End of conventional memory usable by the kernel; the EBDA a BIOS would keep follows. */
    public static final int LOW_RAM_END = 0x9FC00;
    /** Firmware area reserved in the E820 map; {@link AcpiTables} are written here. */
    public static final int FIRMWARE_START = 0xE0000, FIRMWARE_END = 0x100000;
    public static final int E820_RAM = 1, E820_RESERVED = 2;
    public static final int LOADER_UNDEFINED = 0xFF;

    // setup header offsets (in the file and in boot_params alike)
    static final int HDR_START = 0x1F1, SETUP_SECTS = 0x1F1, BOOT_FLAG = 0x1FE, JUMP = 0x200, HEADER = 0x202,
            VERSION = 0x206, TYPE_OF_LOADER = 0x210, LOADFLAGS = 0x211, CODE32_START = 0x214, RAMDISK_IMAGE = 0x218,
            RAMDISK_SIZE = 0x21C, HEAP_END_PTR = 0x224, CMD_LINE_PTR = 0x228, INITRD_ADDR_MAX = 0x22C,
            CMDLINE_SIZE = 0x238, INIT_SIZE = 0x260, PREF_ADDRESS = 0x258;
    // boot_params offsets outside the header
    static final int ACPI_RSDP_ADDR = 0x070, ALT_MEM_K = 0x1E0, E820_ENTRIES = 0x1E8, E820_TABLE = 0x2D0;
    static final int HDRS_MAGIC = 0x53726448; // "HdrS"
    static final int LOADED_HIGH = 0x01, QUIET_FLAG = 0x20;
    static final int E820_MAX = 128;

    /** Null, null, flat code at 0x10, flat data at 0x18: base 0, limit 0xFFFFF pages, DPL 0, 32-bit. */
    private static final long[] GDT = {0, 0, 0x00CF_9A00_0000_FFFFL, 0x00CF_9200_0000_FFFFL};

    /**
     * Where the kernel starts, with what the caller must put in ESI and GDTR.
     *
     * @param initrdAddress 0 when there is no initrd
     */
    public record Boot(int entry, int bootParams, int gdtBase, int gdtLimit, int protocolVersion,
                       long initrdAddress, long initrdSize) { }

    private LinuxBootLoader() { }

    /** True when {@code image} carries a Linux setup header ("HdrS" at 0x202): it is a Linux kernel image. */
    public static boolean isLinuxKernel(byte[] image) {
        return image.length >= HEADER + 4 && le32(image, HEADER) == HDRS_MAGIC;
    }

    /**
     * Loads {@code kernel} (a bzImage) and {@code initrd} (may be null) into {@code ram}.
     *
     * @param rsdpAddress physical address of the ACPI RSDP for {@code acpi_rsdp_addr}, or 0 for none
     * @throws IllegalArgumentException with a one-line reason: not a Linux kernel, protocol too old, not a bzImage,
     *     command line too long, kernel or initrd that do not fit
     */
    public static Boot load(PhysicalMemory ram, byte[] kernel, byte[] initrd, String commandLine, long rsdpAddress) {
        if (!isLinuxKernel(kernel)) {
            throw new IllegalArgumentException("not a Linux kernel image: no \"HdrS\" setup header at offset 0x202");
        }
        int version = le16(kernel, VERSION);
        if (version < 0x202) {
            throw new IllegalArgumentException(String.format(
                    "Linux boot protocol %d.%02d is too old: need 2.02 or later", version >> 8, version & 0xFF));
        }
        if ((kernel[LOADFLAGS] & LOADED_HIGH) == 0) {
            throw new IllegalArgumentException("zImage kernels (loaded below 1 MiB) are not supported: need a bzImage");
        }
        int setupSects = kernel[SETUP_SECTS] & 0xFF;
        if (setupSects == 0) setupSects = 4;
        int protOffset = (setupSects + 1) * 512;
        if (protOffset >= kernel.length) {
            throw new IllegalArgumentException(String.format(
                    "truncated kernel image: setup of %d sectors leaves no protected-mode kernel in %d bytes",
                    setupSects, kernel.length));
        }
        long ramSize = ram.size();
        int protSize = kernel.length - protOffset;
        // A 2.10+ kernel decompresses itself to its preferred address (a relocatable one loaded lower moves up
        // to it) and needs init_size bytes from there; older ones run where they are loaded.
        long initSize = version >= 0x20A ? Integer.toUnsignedLong(le32(kernel, INIT_SIZE)) : 0;
        long runAt = version >= 0x20A ? Math.max(KERNEL_ADDRESS, le64(kernel, PREF_ADDRESS)) : KERNEL_ADDRESS;
        long kernelEnd = Math.max(KERNEL_ADDRESS + protSize, runAt + initSize);
        if (kernelEnd > ramSize) {
            throw new IllegalArgumentException(String.format(
                    "guest RAM of %d MiB is too small for this kernel: it needs memory up to 0x%x",
                    ramSize >> 20, kernelEnd));
        }

        byte[] cmdline = (commandLine == null ? "" : commandLine).getBytes(StandardCharsets.US_ASCII);
        long cmdlineMax = version >= 0x206 ? Integer.toUnsignedLong(le32(kernel, CMDLINE_SIZE)) : 255;
        if (cmdline.length > cmdlineMax) {
            throw new IllegalArgumentException(String.format(
                    "kernel command line of %d bytes is longer than this kernel accepts (%d)", cmdline.length, cmdlineMax));
        }

        long initrdAddress = 0, initrdSize = initrd == null ? 0 : initrd.length;
        if (initrd != null) {
            long addrMax = version >= 0x203 ? Integer.toUnsignedLong(le32(kernel, INITRD_ADDR_MAX)) : 0x37FF_FFFFL;
            long top = Math.min(addrMax + 1, ramSize);
            initrdAddress = (top - initrdSize) & ~0xFFFL;
            if (initrdSize > top || initrdAddress < kernelEnd) {
                throw new IllegalArgumentException(String.format(
                        "initrd of %d bytes does not fit between the kernel (ends at 0x%x) and 0x%x: give more --mem",
                        initrdSize, kernelEnd, top));
            }
            ram.load(initrdAddress, initrd, 0, initrd.length);
        }

        ram.load(KERNEL_ADDRESS, kernel, protOffset, protSize);
        ram.zero(KERNEL_ADDRESS + protSize, kernelEnd - KERNEL_ADDRESS - protSize);  // no stale bytes where it unpacks

        ByteBuffer bp = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        // The header ends where the 2-byte jump at 0x200 lands: 0x202 + its displacement byte.
        int headerEnd = Math.min(Math.min(JUMP + 2 + (kernel[JUMP + 1] & 0xFF), 0x290), kernel.length);
        bp.put(HDR_START, kernel, HDR_START, headerEnd - HDR_START);
        bp.put(TYPE_OF_LOADER, (byte) LOADER_UNDEFINED);
        bp.put(LOADFLAGS, (byte) (kernel[LOADFLAGS] & ~QUIET_FLAG));
        bp.putInt(CMD_LINE_PTR, CMDLINE_ADDRESS);
        bp.putInt(RAMDISK_IMAGE, (int) initrdAddress);
        bp.putInt(RAMDISK_SIZE, (int) initrdSize);
        bp.putInt(ALT_MEM_K, (int) ((ramSize - KERNEL_ADDRESS) >> 10));
        if (version >= 0x20E && rsdpAddress != 0) bp.putLong(ACPI_RSDP_ADDR, rsdpAddress);
        int n = 0;
        n = e820(bp, n, 0, LOW_RAM_END, E820_RAM);
        n = e820(bp, n, LOW_RAM_END, 0xA0000 - LOW_RAM_END, E820_RESERVED);
        n = e820(bp, n, FIRMWARE_START, FIRMWARE_END - FIRMWARE_START, E820_RESERVED);
        n = e820(bp, n, KERNEL_ADDRESS, ramSize - KERNEL_ADDRESS, E820_RAM);
        bp.put(E820_ENTRIES, (byte) n);
        ram.load(ZERO_PAGE, bp.array(), 0, 4096);

        byte[] cl = new byte[cmdline.length + 1];
        System.arraycopy(cmdline, 0, cl, 0, cmdline.length);
        ram.load(CMDLINE_ADDRESS, cl, 0, cl.length);

        ByteBuffer gdt = ByteBuffer.allocate(GDT.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long d : GDT) gdt.putLong(d);
        ram.load(GDT_ADDRESS, gdt.array(), 0, gdt.capacity());

        return new Boot(le32(kernel, CODE32_START), ZERO_PAGE, GDT_ADDRESS, GDT.length * 8 - 1, version,
                initrdAddress, initrdSize);
    }

    private static int e820(ByteBuffer bp, int n, long base, long size, int type) {
        int at = E820_TABLE + 20 * n;
        bp.putLong(at, base).putLong(at + 8, size).putInt(at + 16, type);
        return n + 1;
    }

    static int le16(byte[] b, int at) { return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8; }

    static int le32(byte[] b, int at) { return le16(b, at) | le16(b, at + 2) << 16; }

    static long le64(byte[] b, int at) { return Integer.toUnsignedLong(le32(b, at)) | (long) le32(b, at + 4) << 32; }
}
