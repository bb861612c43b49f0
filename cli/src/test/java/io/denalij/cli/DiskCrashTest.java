package io.denalij.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 3, item 3: a disk survives. The disk guest writes and flushes pattern 1 in one JVM; a
 * second JVM overwrites the same blocks with pattern 2 without flushing and is killed with
 * SIGKILL while it runs; a third run finds every block holding pattern 1 or pattern 2, never
 * anything else. And a guest cannot reach outside its disk.
 */
class DiskCrashTest {
    static Process denaliJvm(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("--enable-native-access") || a.startsWith("--sun-misc")) cmd.add(a);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(DenaliMain.class.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    @Test
    void flushedBlocksSurviveKill9AndUnflushedOnesAreOldOrNewNeverTorn(@TempDir Path dir) throws Exception {
        Path disk = dir.resolve("crash.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) { f.setLength(64 * 4096L); }
        String image = RunCommandTest.image("disk");

        Process first = denaliJvm("run", image, "--disk", disk.toString(), "--cmdline", "write seed=1 blocks=64");
        String out1 = new String(first.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(first.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, first.exitValue(), out1);
        assertTrue(out1.contains("disk: flushed"), out1);

        Process second = denaliJvm("run", image, "--disk", disk.toString(), "--cmdline", "write-noflush seed=2 blocks=64");
        BufferedReader r = new BufferedReader(new InputStreamReader(second.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine(); // "disk: mode ...": the guest is running and about to write
        assertTrue(line != null && line.startsWith("disk: mode write-noflush"), String.valueOf(line));
        Thread.sleep(20);
        second.destroyForcibly(); // SIGKILL: no shutdown hooks, no unmapping, no flush
        assertTrue(second.waitFor(30, TimeUnit.SECONDS));

        PcCommandTest.Result v = RunCommandTest.denali("run", image, "--disk", disk + ":ro", "--cmdline", "verify seed=1 alt=2 blocks=64");
        assertEquals(0, v.status(), v.out() + v.err());
        assertTrue(v.out().endsWith("disk ok\n"), v.out());
        assertEquals(64, v.out().lines().filter(l -> l.startsWith("block ") && (l.endsWith("seed 1") || l.endsWith("seed 2"))).count(),
                v.out());
    }

    @Test
    void aGuestCannotReadPastTheEndOfItsDisk(@TempDir Path dir) throws Exception {
        Path disk = dir.resolve("small.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) { f.setLength(8 * 4096L); }
        PcCommandTest.Result r = RunCommandTest.denali("run", RunCommandTest.image("disk"), "--disk", disk + ":ro",
                "--cmdline", "verify seed=1 start=6 blocks=4");
        assertEquals(1, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("disk: FAIL"), r.out());
    }
}
