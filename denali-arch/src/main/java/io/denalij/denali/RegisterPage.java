package io.denalij.denali;

import io.denalij.mmu.PhysicalMemory;

import java.nio.charset.StandardCharsets;

/**
 * The virtual registers in guest-physical page 0 (SPEC section 3), read and written through the
 * VM's RAM. The machine calls this only at quantum boundaries, when the guest is not running.
 */
final class RegisterPage {
    static final int MAGIC = 0x000, VERSION = 0x004, VM_ID = 0x008, MEM_SIZE = 0x00C, CPU_KHZ = 0x010,
            TIME_NS = 0x018, WALL_NS = 0x020, MAC = 0x028, IP = 0x030, NETMASK = 0x034, GATEWAY = 0x038,
            INTR_ENABLE = 0x040, INTR_PENDING = 0x044, INTR_HANDLER = 0x048, INTR_STACK = 0x04C,
            TIMER_PERIOD_US = 0x050, DISK_COUNT = 0x054, DISK_BLOCKS = 0x058, CMDLINE = 0x100;
    static final int MAGIC_VALUE = 0x494C4E44; // "DNLI"
    static final int VERSION_VALUE = 1;
    static final int MAX_DISKS = 4;
    /** Bytes of command line the page holds, the terminating NUL included. */
    static final int CMDLINE_SIZE = 256;

    private final PhysicalMemory ram;

    RegisterPage(PhysicalMemory ram) {
        this.ram = ram;
    }

    int read(int offset) { return ram.read32(offset); }

    void write(int offset, int value) { ram.write32(offset, value); }

    void write64(int offset, long value) {
        ram.write32(offset, (int) value);
        ram.write32(offset + 4, (int) (value >>> 32));
    }

    void writeBytes(int offset, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) ram.write8(offset + i, bytes[i]);
    }

    /** The command line as the page holds it: UTF-8, NUL-terminated; too long is the caller's error. */
    static byte[] cmdlineBytes(String cmdline) {
        byte[] b = cmdline.getBytes(StandardCharsets.UTF_8);
        if (b.length >= CMDLINE_SIZE) {
            throw new IllegalArgumentException("command line is " + b.length + " bytes; the register page holds at most "
                    + (CMDLINE_SIZE - 1));
        }
        for (byte c : b) if (c == 0) throw new IllegalArgumentException("command line contains a NUL byte");
        return java.util.Arrays.copyOf(b, b.length + 1);
    }

    boolean intrEnabled() { return read(INTR_ENABLE) != 0; }
    int pending() { return read(INTR_PENDING); }
    int handler() { return read(INTR_HANDLER); }
    int intrStack() { return read(INTR_STACK); }
    int timerPeriodUs() { return read(TIMER_PERIOD_US); }
}
