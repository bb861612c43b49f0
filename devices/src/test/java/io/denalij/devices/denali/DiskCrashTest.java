package io.denalij.devices.denali;

import static io.denalij.devices.denali.DiskImages.generationOf;
import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 durability: a child JVM writes and flushes through port 0x300 and is killed with SIGKILL;
 * the disk is then reopened here and every block checked against what the child had been told was
 * flushed.
 */
class DiskCrashTest {
    @TempDir Path dir;

    /** Starts {@link DiskCrashChild} with this JVM's java, class path and flags (Chronicle needs the flags). */
    private Process child(Path err, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-agentlib:jdwp")) cmd.add(a);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(DiskCrashChild.class.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(err.toFile()).start();
    }

    private static String readLineOrFail(BufferedReader out, Process p, Path err) throws IOException {
        String line = out.readLine();
        if (line == null) fail("child ended (" + (p.isAlive() ? "alive" : "exit " + p.exitValue()) + "): " + Files.readString(err));
        return line;
    }

    private static void kill(Process p) throws InterruptedException {
        p.destroyForcibly(); // SIGKILL: no shutdown hooks, no unmapping, no flushing
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue(), "killed by SIGKILL");
    }

    @Test
    void overlayKeepsEveryFlushedBlockThroughSigkill() throws Exception {
        Path image = DiskImages.image(dir, "base.img", 16);
        byte[] imageBytes = Files.readAllBytes(image);
        Path overlay = dir.resolve("vm.cow");
        Path err = dir.resolve("child.err");
        for (int round = 0; round < 4; round++) {
            Process p = child(err, "overlay", image.toString(), overlay.toString());
            long lastFlushed = 0;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
                long target = 10 + ThreadLocalRandom.current().nextInt(20);
                while (lastFlushed < target) {
                    String line = readLineOrFail(out, p, err);
                    assertTrue(line.startsWith("FLUSHED "), line);
                    lastFlushed = Long.parseLong(line.substring(8));
                }
                Thread.sleep(ThreadLocalRandom.current().nextInt(3)); // land anywhere in the loop
                kill(p);
            }
            checkOverlay(image, overlay, lastFlushed);
        }
        assertArrayEquals(imageBytes, Files.readAllBytes(image), "the base is never written");
    }

    /**
     * Each run restarts at generation 1. The child may have flushed more than the parent read before
     * the kill, and a flush cut short may have published some blocks and not others, so the blocks
     * hold generations G or G + 1 with G at least the last flush the parent saw. The unflushed
     * rewrites of blocks 0-3 (generation g + 1000000) must never be seen, and no block may be a mix.
     */
    private static void checkOverlay(Path image, Path overlay, long lastFlushed) throws IOException {
        try (BaseDisk base = BaseDisk.open(image, false); VirtualDisk d = VirtualDisk.copyOnWrite(base, overlay)) {
            long min = Long.MAX_VALUE, max = Long.MIN_VALUE;
            for (int b = 0; b < 16; b++) {
                long gen = generationOf(DiskImages.hostRead(d, b), b);
                assertTrue(gen >= 0, "block " + b + " is not whole: a mix of generations");
                assertTrue(gen < 1_000_000, "block " + b + " shows an unflushed write: generation " + gen);
                min = Math.min(min, gen);
                max = Math.max(max, gen);
            }
            assertTrue(min >= lastFlushed, "generation " + min + " found, but " + lastFlushed + " was flushed");
            assertTrue(max - min <= 1, "generations " + min + ".." + max + ": more than one flush apart");
        }
    }

    @Test
    void inPlaceDiskKeepsFlushedBlocksThroughSigkill() throws Exception {
        Path image = DiskImages.image(dir, "rw.img", 16);
        Path err = dir.resolve("child.err");
        Process p = child(err, "inplace", image.toString());
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
            assertEquals("WROTE", readLineOrFail(out, p, err));
            kill(p);
        }
        try (BaseDisk base = BaseDisk.open(image, true); VirtualDisk d = VirtualDisk.inPlace(base)) {
            for (int b = 0; b < 8; b++) {
                assertEquals(1, generationOf(DiskImages.hostRead(d, b), b), "flushed block " + b);
            }
            for (int b = 8; b < 16; b++) {
                long gen = generationOf(DiskImages.hostRead(d, b), b);
                assertTrue(gen == 0 || gen == 2, "unflushed block " + b + " is old or new, never a mix: " + gen);
            }
        }
    }
}
