package io.denalij.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the test kernels under the real qemu-system-i386 in the same test run and compares it with Denali-J:
 * same COM1 output, same exit status. Skipped when QEMU is not installed (CI installs it). The compute
 * workloads are left to the recorded comparison: they take seconds each under QEMU.
 */
class QemuLiveComparisonTest {
    static List<TestImages.Case> cases() throws Exception {
        List<TestImages.Case> out = new ArrayList<>();
        for (TestImages.Case c : TestImages.recordedCases()) {
            // torture-x87-strict is where QEMU is known to differ from the CPU (see testimages/README.md)
            if (!c.name().startsWith("compute") && !c.name().endsWith("-strict") && Files.exists(c.qemuOutput())) out.add(c);
        }
        return out;
    }

    static Path qemu() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir, "qemu-system-i386");
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameAsQemuNow(TestImages.Case c) throws Exception {
        Path qemu = qemu();
        Assumptions.assumeTrue(qemu != null, "qemu-system-i386 is not installed");
        List<String> cmd = new ArrayList<>(List.of(qemu.toString(), "-kernel", c.kernel().getFileName().toString()));
        if (!c.append().isEmpty()) cmd.addAll(List.of("-append", c.append()));
        cmd.addAll(List.of("-serial", "stdio", "-display", "none", "-monitor", "none", "-no-reboot",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"));
        Process p = new ProcessBuilder(cmd).directory(c.kernel().getParent().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "qemu did not finish");
        String qemuOutput = new String(out, StandardCharsets.ISO_8859_1);

        PcKernelConformanceTest.Run run = PcKernelConformanceTest.runUnderDenali(c);
        PcKernelConformanceTest.assertSameLines(c + " vs qemu-system-i386 (live)", qemuOutput, run);
        assertEquals(p.exitValue(), run.status(), c + ": exit status vs QEMU (" + run.outcome().detail() + ")");
    }
}
