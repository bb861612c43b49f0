package io.denalij.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `denali run` end to end with the SDK's guests (testimages/denali/README.md says what each prints)
 * and with bad input, which must give one line and exit status 2.
 */
class RunCommandTest {
    static final Path IMAGES = TestImages.ROOT.resolve("images/denali");

    /** `denali ARGS` with {@code stdin} as standard input (never the test JVM's own). */
    static synchronized PcCommandTest.Result denaliWithInput(String stdin, String... args) {
        java.io.InputStream oldIn = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream(stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return PcCommandTest.denali(args);
        } finally {
            System.setIn(oldIn);
        }
    }

    static PcCommandTest.Result denali(String... args) {
        return denaliWithInput("", args);
    }

    static String image(String name) {
        return IMAGES.resolve(name + ".elf").toString();
    }

    static Path disk(Path dir, String name, int blocks) throws Exception {
        Path p = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) { f.setLength(4096L * blocks); }
        return p;
    }

    @Test
    void helloPrintsItsVmIdCmdlineAndMemory() {
        PcCommandTest.Result r = denali("run", image("hello"), "--cmdline", "one two", "--mem", "2", "--vm-id", "5");
        assertEquals("Hello from Denali VM 5\ncmdline: [one two]\nmem_size: 2097152 bytes (2048 KiB)\n", r.out(), r.err());
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
    }

    @Test
    void jitStatsSayHowMuchRanTranslated() {
        PcCommandTest.Result jit = denali("run", image("hello"), "--jit-threshold", "1", "--jit-stats");
        PcCommandTest.Result interp = denali("run", image("hello"), "--engine", "interp", "--jit-stats");
        assertEquals(0, jit.status(), jit.err());
        assertEquals(jit.out(), interp.out());
        Matcher j = Pattern.compile("denali: jit: (\\d+) translations .*\ndenali: jit: (\\d+) entries into translated code "
                + "\\([0-9.]+ instructions each\\), ([0-9.]+) % of (\\d+) guest instructions ran translated\n").matcher(jit.err());
        assertTrue(j.find(), jit.err());
        assertTrue(Long.parseLong(j.group(1)) > 0 && Long.parseLong(j.group(2)) > 0 && Double.parseDouble(j.group(3)) > 50, jit.err());
        assertTrue(interp.err().startsWith("denali: jit: not used (--engine interp)\ndenali: jit: 0 entries into translated code"),
                interp.err());
    }

    /** The faults table of testimages/denali/README.md: word, vector, status, EIP, faulting address. */
    @ParameterizedTest
    @CsvSource({
            "de, '#DE', 128", "div-overflow, '#DE', 128", "ud, '#UD', 134", "badvirt, '#UD', 134", "bp, '#BP', 131",
            "of, '#OF', 132", "gp, '#GP', 141", "hlt, '#GP', 141", "rdmsr, '#GP', 141", "movcr, '#GP', 141",
            "int, '#GP', 141", "io, '#GP', 141", "segment, '#GP', 141", "pf, '#PF', 142", "stack, '#PF', 142"})
    void everyFaultEndsTheVmWithItsReportAndStatus(String word, String exception, int status) {
        PcCommandTest.Result r = denali("run", image("faults"), "--cmdline", word);
        assertEquals("faults: triggering " + word + " (expect " + exception + ")\n", r.out(), r.err());
        assertEquals(status, r.status(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("denali: VM 0: " + exception), r.err());
        if (word.equals("pf")) assertTrue(r.err().contains("address 0xf0000000"), r.err());
        if (word.equals("stack")) assertTrue(r.err().contains("address 0xfffffffc"), r.err());
        if (word.equals("segment")) assertTrue(r.err().contains("#GP(0x8)") && r.err().contains("mov ds,"), r.err());
        if (word.equals("bp")) assertTrue(r.err().contains("eip 0x000100a0") && r.err().contains("int3"), r.err());
    }

    @Test
    void aGuestThatNeverIdlesStopsAtTheInstructionLimit() {
        PcCommandTest.Result r = denali("run", image("faults"), "--cmdline", "spin", "--max-instructions", "3000000");
        assertEquals(DenaliMain.EXIT_GUEST_ABNORMAL, r.status());
        assertTrue(r.err().contains("stopped after 3000000 instructions"), r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"idle", "pending", "idle stack0", "pending stack0"})
    void upcallProbeChecksEveryRegister(String mode) {
        PcCommandTest.Result r = denali("run", image("upcall-probe"), "--cmdline", mode, "--timeout", "20");
        assertTrue(r.out().endsWith("upcall-probe ok\n"), r.out() + r.err());
        assertEquals(0, r.status());
    }

    @Test
    void upcallProbeBatchGetsTimerAndDiskInOneUpcall(@TempDir Path dir) throws Exception {
        PcCommandTest.Result r = denali("run", image("upcall-probe"), "--cmdline", "batch",
                "--disk", disk(dir, "d.img", 4) + ":ro", "--timeout", "20");
        assertTrue(r.out().contains("pending before enable 0x00000005"), r.out());
        assertTrue(r.out().contains("check frame.mask ok"), r.out());
        assertTrue(r.out().endsWith("upcall-probe ok\n"), r.out() + r.err());
        assertEquals(0, r.status());
    }

    @Test
    void timerIntervalsFollowTheRealClock() {
        long t0 = System.nanoTime();
        PcCommandTest.Result r = denali("run", image("timer"), "--cmdline", "period=5000 count=8", "--timeout", "20");
        long elapsedUs = (System.nanoTime() - t0) / 1000;
        assertEquals(0, r.status(), r.out() + r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("timer: period 5000 us, count 8", lines.getFirst());
        assertEquals("timer: done", lines.getLast());
        // The timer keeps its phase from when it was armed (interval 1 starts there), so an interval
        // after a late upcall is short (down to a few us when the host was busy): no interval after
        // the first is far beyond the period, and upcall k comes no earlier than k periods after
        // arming, so the eight intervals add up to at least 8 periods of real time. (Judging
        // intervals 2-8 alone failed when upcall 1 was 19 ms late and interval 2 short for it.)
        long sum = 0;
        for (int i = 1; i <= 8; i++) {
            Matcher m = Pattern.compile("interval " + i + " (\\d+)").matcher(r.out());
            assertTrue(m.find(), r.out());
            long us = Long.parseLong(m.group(1));
            assertTrue(us >= 0 && (i == 1 || us < 5000 * 20), "interval " + i + " = " + us + " us\n" + r.out());
            sum += us;
        }
        assertTrue(sum >= 8 * 5000 - 1000, "intervals 1-8 span " + sum + " us\n" + r.out());
        assertTrue(elapsedUs >= 8 * 5000, "8 periods of real time passed: " + elapsedUs + " us");
    }

    @Test
    void diskWritesFlushesAndReadsBackThenAnotherRunVerifies(@TempDir Path dir) throws Exception {
        Path d = disk(dir, "data.img", 32);
        PcCommandTest.Result w = denali("run", image("disk"), "--disk", d.toString(), "--cmdline", "write seed=7 blocks=16");
        assertEquals(0, w.status(), w.out() + w.err());
        assertTrue(w.out().contains("disk: flushed\n") && w.out().endsWith("disk ok\n"), w.out());
        PcCommandTest.Result v = denali("run", image("disk"), "--disk", d + ":ro", "--cmdline", "verify seed=7 blocks=16");
        assertEquals(0, v.status(), v.out() + v.err());
        String crcs = w.out().lines().filter(l -> l.startsWith("block ") || l.startsWith("total ")).reduce("", (a, b) -> a + b + "\n");
        assertTrue(v.out().contains(crcs), "the same blocks read back in a new VM:\n" + v.out());
    }

    @Test
    void computeMatchesTheNativeRun() throws Exception {
        for (String w : new String[] {"alu", "crc32", "fib", "sieve", "matmul", "qsort", "bytecode", "memcpy"}) {
            PcCommandTest.Result r = denali("run", image("compute"), "--mem", "8", "--cmdline", w);
            String expected = Files.readString(TestImages.EXPECTED.resolve("compute-" + w + ".native.txt"));
            assertEquals(expected, r.out(), w + ": " + r.err());
            assertEquals(0, r.status(), r.err());
        }
    }

    @Test
    void selftestPassesWithADisk(@TempDir Path dir) throws Exception {
        PcCommandTest.Result r = denali("run", image("selftest"), "--disk", disk(dir, "s.img", 8).toString(), "--timeout", "30");
        assertTrue(r.out().endsWith("selftest ok\n"), r.out() + r.err());
        assertEquals(0, r.status());
    }

    @Test
    void consoleInputComesFromStdin(@TempDir Path dir) throws Exception {
        PcCommandTest.Result r = denaliWithInput("typed by a test\n", "run", image("selftest"), "--cmdline", "console",
                "--timeout", "30");
        assertTrue(r.out().contains("selftest: type a line\nline: typed by a test\n"), r.out() + r.err());
        assertEquals(0, r.status(), r.out());
    }

    // ---- bad input: one line, exit status 2 ----

    private static void oneLineError(PcCommandTest.Result r, String contains) {
        assertEquals(DenaliMain.EXIT_USAGE, r.status(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(contains), r.err());
        assertEquals("", r.out());
    }

    @Test
    void missingImage(@TempDir Path dir) {
        oneLineError(denali("run", dir.resolve("nope.elf").toString()), "nope.elf: no such file");
    }

    @Test
    void truncatedImage(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("t.elf");
        Files.write(p, java.util.Arrays.copyOf(Files.readAllBytes(Path.of(image("hello"))), 40));
        oneLineError(denali("run", p.toString()), "truncated ELF");
    }

    @Test
    void notAnI386Elf(@TempDir Path dir) throws Exception {
        byte[] elf = Files.readAllBytes(Path.of(image("hello")));
        elf[18] = 62; // EM_X86_64
        Path p = dir.resolve("x.elf");
        Files.write(p, elf);
        oneLineError(denali("run", p.toString()), "not an i386 ELF");
    }

    @Test
    void segmentPastMemSize() {
        oneLineError(denali("run", image("compute"), "--mem", "1"), "past mem_size 0x100000");
    }

    @Test
    void missingDisk(@TempDir Path dir) {
        oneLineError(denali("run", image("hello"), "--disk", dir.resolve("none.img").toString()), "none.img: no such file");
    }

    @Test
    void wrongSizeDisk(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("odd.img");
        Files.write(p, new byte[5000]);
        oneLineError(denali("run", image("hello"), "--disk", p.toString()), "not a multiple of the 4096-byte block size");
    }

    @Test
    void jitGivesTheInterpretersOutput() {
        PcCommandTest.Result interp = denali("run", image("hello"), "--engine", "interp", "--cmdline", "a b");
        PcCommandTest.Result jit = denali("run", image("hello"), "--engine", "jit", "--cmdline", "a b");
        assertEquals(0, jit.status(), jit.err());
        assertEquals(interp.out(), jit.out());
    }

    @Test
    void unknownEngineIsAnError() {
        oneLineError(denali("run", image("hello"), "--engine", "qemu"), "--engine must be interp or jit, not qemu");
    }
}
