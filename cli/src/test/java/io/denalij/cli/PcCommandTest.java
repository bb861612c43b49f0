package io.denalij.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `denali pc` end to end: exit statuses, what reaches the terminal, and one-line errors for bad input. */
class PcCommandTest {
    record Result(int status, String out, String err) { }

    static synchronized Result denali(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = DenaliMain.execute(args);
            return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void demoKernelRunsWithoutArguments() {
        Result r = denali("pc", "--append", "from-test");
        assertTrue(r.out().startsWith("Hello from Denali-J test kernel\n"), r.out() + r.err());
        assertTrue(r.out().contains("command line: \"from-test\""), r.out());
        assertEquals(1, r.status(), "isa-debug-exit with 0 gives (0 << 1) | 1: " + r.err());
    }

    @Test
    void kernelFileGivesQemuStyleExitStatus() {
        Path hello = TestImages.PC_IMAGES.resolve("hello.elf");
        Result r = denali("pc", "--kernel", hello.toString(), "--append", "x y");
        assertTrue(r.out().contains("command line: \"" + hello + " x y\""), r.out());
        assertEquals(1, r.status());
    }

    @Test
    void missingKernelIsOneLine(@TempDir Path dir) {
        Result r = denali("pc", "--kernel", dir.resolve("nope.elf").toString());
        assertEquals(DenaliMain.EXIT_USAGE, r.status());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("nope.elf: no such file"), r.err());
    }

    @Test
    void nonMultibootFileIsOneLine(@TempDir Path dir) throws Exception {
        Path junk = dir.resolve("junk.elf");
        Files.write(junk, "this is not a kernel".getBytes(StandardCharsets.US_ASCII));
        Result r = denali("pc", "--kernel", junk.toString());
        assertEquals(DenaliMain.EXIT_USAGE, r.status());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("denali: " + junk), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void badMemorySizeIsRejected() {
        Result r = denali("pc", "--mem", "1");
        assertEquals(DenaliMain.EXIT_USAGE, r.status());
        assertTrue(r.err().contains("--mem must be between"), r.err());
    }

    @Test
    void helpAnswersTheQuestions() {
        Result r = denali("pc", "--help");
        assertEquals(0, r.status());
        for (String opt : new String[] {"--kernel", "--append", "--mem", "--trace", "isa-debug-exit"}) {
            assertTrue(r.out().contains(opt), "help mentions " + opt + ":\n" + r.out());
        }
    }
}
