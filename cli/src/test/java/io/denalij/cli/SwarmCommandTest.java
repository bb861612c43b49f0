package io.denalij.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `denali swarm` end to end with the swarm guest. */
class SwarmCommandTest {
    static final String SWARM = RunCommandTest.IMAGES.resolve("swarm.elf").toString();
    static final String COMPUTE = RunCommandTest.IMAGES.resolve("compute.elf").toString();

    @Test void everyVmRunsItsRoundsAndTheSummarySaysSo(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("summary.json");
        PcCommandTest.Result r = RunCommandTest.denali("swarm", SWARM, "--vms", "40", "--cmdline", "rounds=4 period=1000",
                "--json", json.toString());
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("ran: 40 of 40 VMs ran; exited ok 40, non-zero 0, faulted 0"), r.out());
        assertTrue(r.out().contains("reports: 40 (40 ok); rounds min 4 max 4 total 160"), r.out());
        assertTrue(r.out().contains("result: every VM ran and ended cleanly"), r.out());
        String j = Files.readString(json);
        assertTrue(j.contains("\"vms\": 40,") && j.contains("\"exited_ok\": 40,") && j.contains("\"all_good\": true"), j);
        assertTrue(j.contains("\"engine\": \"interp\","), j);
        assertTrue(j.contains("\"rounds_total\": 160,") && j.contains("\"check_errors\": 0,"), j);
        assertTrue(r.out().lines().anyMatch(l -> l.matches(" *\\d+s booted 40/40 \\|.*")) || r.out().contains("booted 40/40"), r.out());
    }

    @Test void durationAsksIdlingVmsToStopAndTheyReport() {
        PcCommandTest.Result r = RunCommandTest.denali("swarm", SWARM, "--vms", "20", "--cmdline", "period=20000", "--duration", "1");
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("exited ok 20"), r.out());
        assertTrue(r.out().contains("reports: 20 (20 ok)"), r.out());
    }

    @Test void aFaultingVmIsReportedAndTheRunFails() {
        PcCommandTest.Result r = RunCommandTest.denali("swarm", SWARM, "--vms", "3", "--cmdline", "rounds=3 fault=1 period=100");
        assertEquals(1, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("faulted 3"), r.out());
        assertTrue(r.out().contains("problem: VM 0: #PF(0x6) at eip"), r.out());
        assertTrue(r.out().contains("result: NOT every VM ran and ended cleanly"), r.out());
    }

    @Test void aBudgetSwapsVmsAndLosesNothing() {
        // 16 VMs of about 12 pages each under a budget of 64 pages (0.000244140625 GiB).
        PcCommandTest.Result r = RunCommandTest.denali("swarm", SWARM, "--vms", "16", "--budget", "0.000244140625",
                "--cmdline", "rounds=6 period=2000 ws=32768 chunk=4096");
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("budget 64 pages (fifo)"), r.out());
        assertTrue(r.out().contains("reports: 16 (16 ok)") && r.out().contains(" 0 errors"), r.out());
        assertTrue(r.out().matches("(?s).*swap: [1-9]\\d* VMs swapped out, [1-9]\\d* swapped in.*"), r.out());
    }

    @Test void withTheJitEveryVmOfAComputeImageEndsCleanlyAndItsCodeRanTranslated() {
        PcCommandTest.Result r = RunCommandTest.denali("swarm", COMPUTE, "--vms", "4", "--mem", "4", "--cmdline", "memcpy",
                "--engine", "jit", "--jit-stats");
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("exited ok 4, non-zero 0, faulted 0"), r.out()); // memcpy checks its own copies
        assertTrue(r.out().contains("quantum 100000 instructions, engine jit"), r.out());
        Matcher m = Pattern.compile("denali: jit: (\\d+) translations").matcher(r.err());
        assertTrue(m.find() && Integer.parseInt(m.group(1)) > 0, r.err());

        r = RunCommandTest.denali("swarm", COMPUTE, "--vms", "1", "--mem", "4", "--cmdline", "memcpy", "--jit-stats");
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.err().contains("denali: jit: not used (--engine interp)"), "the interpreter is the default: " + r.err());
    }

    @Test void badOptionsAreOneLine() {
        PcCommandTest.Result r = RunCommandTest.denali("swarm", SWARM, "--vms", "0");
        assertEquals(2, r.status());
        assertEquals("denali: --vms must be between 1 and 10,000,000, not 0", r.err().strip());
        r = RunCommandTest.denali("swarm", "no-such.elf", "--vms", "1");
        assertEquals(2, r.status());
        assertEquals("denali: no-such.elf: no such file", r.err().strip());
        r = RunCommandTest.denali("swarm", SWARM, "--vms", "1", "--engine", "fast");
        assertEquals(2, r.status());
        assertEquals("denali: --engine must be interp or jit, not fast", r.err().strip());
    }
}
