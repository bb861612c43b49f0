package io.denalij.cli;

import static io.denalij.cli.PcCommandTest.denali;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `denali pc` options of the Linux work: --bios, --debugcon, --trace-io, --initrd, and their one-line errors. */
class PcCommandOptionsTest {
    /** 64 KiB ROM: reset vector jumps to F000:E000, which writes "hi\n" to port 0xE9, reads port 0x80 and
     *  port 0x2F0 (nobody's), then exits through isa-debug-exit with 2 (status 5). */
    static byte[] rom() {
        byte[] rom = new byte[0x10000];
        java.util.Arrays.fill(rom, (byte) 0xF4);
        byte[] reset = {(byte) 0xEA, 0x00, (byte) 0xE0, 0x00, (byte) 0xF0};
        System.arraycopy(reset, 0, rom, 0xFFF0, reset.length);
        byte[] code = {
                (byte) 0xB0, 'h', (byte) 0xE6, (byte) 0xE9,
                (byte) 0xB0, 'i', (byte) 0xE6, (byte) 0xE9,
                (byte) 0xB0, '\n', (byte) 0xE6, (byte) 0xE9,
                (byte) 0xBA, (byte) 0xF0, 0x02,                           // mov dx,0x2f0
                (byte) 0xEC, (byte) 0xEC, (byte) 0xEE,                    // in al,dx twice; out dx,al
                (byte) 0xB0, 0x02, (byte) 0xE6, (byte) 0xF4,              // exit with 2
                (byte) 0xF4};
        System.arraycopy(code, 0, rom, 0xE000, code.length);
        return rom;
    }

    @Test void biosRunsWithDebugconAndTraceIo(@TempDir Path dir) throws Exception {
        Path rom = dir.resolve("rom.bin"), debug = dir.resolve("debug.txt");
        Files.write(rom, rom());
        PcCommandTest.Result r = denali("pc", "--bios", rom.toString(), "--debugcon", debug.toString(), "--trace-io");
        assertEquals(5, r.status(), r.err());
        assertEquals("hi\n", Files.readString(debug, StandardCharsets.US_ASCII));
        assertTrue(r.err().contains("denali: unmodelled I/O ports: 2 port/direction pairs"), r.err());
        assertTrue(r.err().contains("  port 0x02f0 in x2\n"), r.err());
        assertTrue(r.err().contains("  port 0x02f0 out x1\n"), r.err());
    }

    @Test void biosDoesNotGoWithAKernel(@TempDir Path dir) throws Exception {
        Path rom = dir.resolve("rom.bin");
        Files.write(rom, rom());
        PcCommandTest.Result r = denali("pc", "--bios", rom.toString(), "--kernel", rom.toString());
        assertEquals(DenaliMain.EXIT_USAGE, r.status());
        assertEquals("denali: --bios runs the ROM from the reset vector: it does not go with --kernel or --initrd",
                r.err().strip());
    }

    @Test void badBiosImageIsOneLine(@TempDir Path dir) throws Exception {
        Path rom = dir.resolve("short.bin");
        Files.write(rom, new byte[1000]);
        PcCommandTest.Result r = denali("pc", "--bios", rom.toString());
        assertEquals(DenaliMain.EXIT_USAGE, r.status());
        assertEquals("denali: " + rom + ": a BIOS image must be a multiple of 64 KiB and at most 16 MiB, not 1000 bytes",
                r.err().strip());
    }

    @Test void initrdNeedsALinuxKernel(@TempDir Path dir) throws Exception {
        Path initrd = dir.resolve("initrd");
        Files.write(initrd, new byte[512]);
        Path hello = TestImages.PC_IMAGES.resolve("hello.elf");
        PcCommandTest.Result r = denali("pc", "--kernel", hello.toString(), "--initrd", initrd.toString());
        assertEquals(DenaliMain.EXIT_USAGE, r.status());
        assertEquals("denali: " + hello + ": --initrd needs a Linux kernel, and this is not one", r.err().strip());
    }

    @Test void truncatedLinuxKernelIsOneLine(@TempDir Path dir) throws Exception {
        byte[] k = new byte[1024];
        k[0x1F1] = 4;
        k[0x202] = 'H'; k[0x203] = 'd'; k[0x204] = 'r'; k[0x205] = 'S';
        k[0x206] = 0x0F; k[0x207] = 0x02;
        k[0x211] = 1;
        Path kernel = dir.resolve("bzImage");
        Files.write(kernel, k);
        PcCommandTest.Result r = denali("pc", "--kernel", kernel.toString());
        assertEquals(DenaliMain.EXIT_USAGE, r.status());
        assertEquals("denali: " + kernel + ": truncated kernel image: setup of 4 sectors leaves no protected-mode kernel in 1024 bytes",
                r.err().strip());
    }

    @Test void jitThresholdDecidesWhatIsTranslated() throws Exception {
        PcCommandTest.Result eager = denali("pc", "--jit-threshold", "1", "--jit-stats");
        PcCommandTest.Result never = denali("pc", "--jit-threshold", "1000000", "--jit-stats");
        assertEquals(1, eager.status(), "the demo kernel's isa-debug-exit status\n" + eager.err());
        assertEquals(1, never.status(), never.err());
        assertEquals(eager.out(), never.out(), "the demo kernel prints the same under both");
        assertTrue(translations(eager.err()) > 0, eager.err());
        assertEquals(0, translations(never.err()), never.err());
        var ran = java.util.regex.Pattern.compile("denali: jit: (\\d+) entries into translated code \\(([0-9.]+) instructions each\\), "
                + "([0-9.]+) % of (\\d+) guest instructions ran translated");
        var e = ran.matcher(eager.err());
        var n = ran.matcher(never.err());
        assertTrue(e.find() && n.find(), eager.err() + never.err());
        assertTrue(Long.parseLong(e.group(1)) > 0 && Double.parseDouble(e.group(3)) > 50, "most of it ran translated: " + e.group());
        assertEquals("0", n.group(1), n.group());
        assertEquals(e.group(4), n.group(4), "the same guest instructions under both");
    }

    /** N of the "denali: jit: N translations (...)" line. */
    private static long translations(String err) {
        var m = java.util.regex.Pattern.compile("denali: jit: (\\d+) translations").matcher(err);
        assertTrue(m.find(), err);
        return Long.parseLong(m.group(1));
    }

    @Test void jitThresholdOutOfRangeIsOneLine() throws Exception {
        PcCommandTest.Result r = denali("pc", "--jit-threshold", "0");
        assertEquals(DenaliMain.EXIT_USAGE, r.status());
        assertEquals("denali: --jit-threshold must be between 1 and 1000000, not 0", r.err().strip());
    }
}
