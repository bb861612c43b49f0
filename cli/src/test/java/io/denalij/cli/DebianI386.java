package io.denalij.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian 12's i386 kernel and busybox, fetched at test time by scripts/fetch-debian-i386.sh (apt, private
 * state, checksums from the signed package index) and cached outside the repository in
 * ~/.cache/denali-j/debian-i386 (or $DENALI_CACHE/debian-i386).
 */
record DebianI386(Path vmlinuz, Path busybox) {
    static DebianI386 fetch() throws IOException, InterruptedException {
        Path repo = Path.of("").toAbsolutePath();
        while (!Files.exists(repo.resolve("scripts/fetch-debian-i386.sh"))) {
            repo = repo.getParent();
            if (repo == null) throw new IllegalStateException("scripts/fetch-debian-i386.sh not found above " + Path.of("").toAbsolutePath());
        }
        String base = System.getenv("DENALI_CACHE");
        Path cache = (base != null ? Path.of(base) : Path.of(System.getProperty("user.home"), ".cache", "denali-j")).resolve("debian-i386");
        Process p = new ProcessBuilder("bash", repo.resolve("scripts/fetch-debian-i386.sh").toString(), cache.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("fetching Debian's i386 packages failed (see the log above): " + out);
        }
        List<String> lines = out.strip().lines().toList();
        return new DebianI386(Path.of(lines.get(0)), Path.of(lines.get(1)));
    }
}
