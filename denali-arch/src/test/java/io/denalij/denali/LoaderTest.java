package io.denalij.denali;

import io.denalij.devices.denali.IoExecutor;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Images the loader must refuse with one clear line (SPEC section 6), and what it loads. */
class LoaderTest {
    private static final byte[] CODE = new Asm().exit(0).code();

    private static String reject(byte[] elf, long mem) {
        try (IoExecutor io = new IoExecutor(1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DenaliMachine.boot(DenaliConfig.of(0, mem, OutputStream.nullOutputStream(), io), elf));
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            return e.getMessage();
        }
    }

    @Test
    void segmentOverlappingTheRegisterPage() {
        assertEquals("segment 0 at 0x800 overlaps the register page (guest segments must start at 0x1000 or above)",
                reject(Elf.executable(0x800, CODE, 0x1000, 0x800, 3), 1 << 20));
    }

    @Test
    void segmentPastMemSize() {
        assertEquals("segment 0 [0xff000, 0x101000) runs past mem_size 0x100000",
                reject(Elf.executable(0xFF000, CODE, 0x2000, 0xFF000, 3), 1 << 20));
    }

    @Test
    void segmentEndingExactlyAtMemSizeIsFine() {
        try (Harness h = new Harness()) {
            DenaliMachine m = h.boot(Elf.executable(0xFF000, CODE, 0x1000, 0xFF000, 3), 1 << 20, "", java.util.List.of(), 0);
            assertEquals(new Quantum.Terminated(0), m.runQuantum(100));
        }
    }

    @Test
    void notI386() {
        String m = reject(Elf.executable(0x10000, CODE, 0x1000, 0x10000, 62), 1 << 20);
        assertTrue(m.startsWith("not an i386 ELF"), m);
        assertTrue(m.contains("machine 62"), m);
    }

    @Test
    void notElfAtAll() {
        String m = reject("#!/bin/sh\necho hi\n".getBytes(), 1 << 20);
        assertTrue(m.startsWith("not an i386 ELF"), m);
    }

    @Test
    void truncated() {
        byte[] elf = Elf.executable(0x10000, CODE, 0x1000, 0x10000, 3);
        assertTrue(reject(Arrays.copyOf(elf, 30), 1 << 20).startsWith("truncated ELF"));
        String m = reject(Arrays.copyOf(elf, 0x104), 1 << 20);
        assertTrue(m.contains("outside the file"), m);
    }

    @Test
    void entryOutsideTheImage() {
        assertEquals("entry point 0x20000 is not inside an executable loadable segment",
                reject(Elf.executable(0x10000, CODE, 0x1000, 0x20000, 3), 1 << 20));
    }

    @Test
    void badConfigurationIsRefusedToo() {
        try (IoExecutor io = new IoExecutor(1)) {
            DenaliConfig c = DenaliConfig.of(0, 1 << 20, OutputStream.nullOutputStream(), io);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.withCmdline("x".repeat(256)));
            assertEquals("command line is 256 bytes; the register page holds at most 255", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> DenaliConfig.of(0, 1000, OutputStream.nullOutputStream(), io));
        }
    }

    @Test
    void bssIsZeroAndFileBytesAreWhereTheSegmentSays() {
        try (Harness h = new Harness()) {
            DenaliMachine m = h.boot(Elf.executable(0x10000, CODE, 0x3000, 0x10000, 3), 1 << 20, "", java.util.List.of(), 0);
            for (int i = 0; i < CODE.length; i++) assertEquals(CODE[i] & 0xFF, m.ram().read8(0x10000 + i));
            assertEquals(0, m.ram().read32(0x12FFC));
        }
    }
}
