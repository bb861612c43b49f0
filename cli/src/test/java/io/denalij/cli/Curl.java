package io.denalij.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real client binaries (curl, wrk), run with ProcessBuilder, optionally behind `ip netns exec NS`. */
final class Curl {
    /** httpd's document pattern (testimages/denali/README.md): byte i is LINE[i % 64]. */
    static final String LINE = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+\n";

    static byte[] document(int bytes) {
        byte[] b = new byte[bytes];
        for (int i = 0; i < bytes; i++) b[i] = (byte) LINE.charAt(i % 64);
        return b;
    }

    record Run(int status, String out) { }

    static Run run(List<String> prefix, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + cmd);
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** GETs {@code url} into {@code file} and returns curl's `%{http_code}`; curl itself must succeed. */
    static int fetch(List<String> prefix, String url, Path file) throws IOException, InterruptedException {
        Run r = run(prefix, "curl", "-sS", "--max-time", "60", "-o", file.toString(), "-w", "%{http_code}", url);
        assertEquals(0, r.status(), "curl " + url + ": " + r.out());
        return Integer.parseInt(r.out().trim());
    }

    static void assertDocument(int bytes, Path file) throws IOException {
        byte[] got = Files.readAllBytes(file);
        assertEquals(bytes, got.length, "document size");
        byte[] want = document(bytes);
        for (int i = 0; i < bytes; i++) {
            if (got[i] != want[i]) throw new AssertionError("document of " + bytes + " bytes differs first at byte " + i);
        }
    }

    static boolean installed(String tool) {
        try {
            return new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private Curl() { }
}
