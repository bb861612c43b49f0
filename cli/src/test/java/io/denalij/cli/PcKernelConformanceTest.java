package io.denalij.cli;

import io.denalij.devices.pc.PcMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every test kernel runs under Denali-J to exactly the COM1 output and exit status that
 * qemu-system-i386 produced (and, for the torture kernels, that the real CPU produced when the same
 * source ran as a Linux program).
 */
class PcKernelConformanceTest {
    static List<TestImages.Case> cases() throws Exception { return TestImages.recordedCases(); }

    /** Output and exit status of one kernel run under Denali-J. */
    record Run(String output, int status, PcMachine.Outcome outcome) { }

    static Run runUnderDenali(TestImages.Case c) throws Exception {
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        PcMachine m = new PcMachine(new PcMachine.Config(128L << 20, serial, 0));
        m.loadMultiboot(Files.readAllBytes(c.kernel()), c.commandLine());
        PcMachine.Outcome o = m.run(20_000_000_000L, 300_000_000_000L);
        // QEMU with -no-reboot exits 0 when the guest resets or triple-faults.
        int status = switch (o.kind()) {
            case GUEST_EXIT -> o.exitStatus();
            case TRIPLE_FAULT, RESET -> 0;
            default -> -1;
        };
        return new Run(serial.toString(StandardCharsets.ISO_8859_1), status, o);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTheRecordedRun(TestImages.Case c) throws Exception {
        Run run = runUnderDenali(c);
        String expected = Files.readString(c.reference(), StandardCharsets.ISO_8859_1);
        assertSameLines(c + " vs " + c.reference().getFileName(), expected, run);
        assertEquals(c.expectedStatus(), run.status(), c + ": exit status (" + run.outcome().detail() + ")");
    }

    /**
     * The system kernel's segment checks (#GP on a write through a read-only data segment and on a limit
     * overrun) that QEMU's TCG does not model: the kernel judges itself and must pass.
     */
    @Test
    void systemKernelSegmentChecksPass() throws Exception {
        TestImages.Case c = new TestImages.Case("system-segcheck", TestImages.PC_IMAGES.resolve("system.elf"), "segcheck");
        Run run = runUnderDenali(c);
        assertFalse(run.output().contains("FAIL:"), run.output());
        assertEquals(1, run.status(), run.outcome().detail() + "\n" + run.output());
    }

    /** Fails on the first differing line, showing it with its number, so a wrong flag is easy to find. */
    static void assertSameLines(String what, String expected, Run run) {
        String[] e = expected.split("\n", -1);
        String[] a = run.output().split("\n", -1);
        for (int i = 0; i < Math.max(e.length, a.length); i++) {
            String el = i < e.length ? e[i] : "<end of output>";
            String al = i < a.length ? a[i] : "<end of output>";
            if (!el.equals(al)) {
                fail(String.format("%s: first difference at line %d%n  expected: %s%n  actual:   %s%n(run ended: %s: %s)%s",
                        what, i + 1, el, al, run.outcome().kind(), run.outcome().detail(),
                        run.outcome().trace().isEmpty() ? "" : "\nlast instructions:\n" + run.outcome().trace()));
            }
        }
    }
}
