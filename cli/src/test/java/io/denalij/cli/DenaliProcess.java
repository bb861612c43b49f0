package io.denalij.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * `denali ARGS` in a child JVM (optionally behind a prefix such as `ip netns exec NS`), with its merged
 * output collected line by line so a test can wait for a line and read everything at the end.
 */
final class DenaliProcess implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private DenaliProcess(Process process) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(l);
                        lines.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "denali-child-output");
        reader.setDaemon(true);
        reader.start();
    }

    static DenaliProcess start(List<String> prefix, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("--enable-native-access") || a.startsWith("--sun-misc")) cmd.add(a);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(DenaliMain.class.getName());
        cmd.addAll(List.of(args));
        return new DenaliProcess(new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start());
    }

    static DenaliProcess start(String... args) throws IOException {
        return start(List.of(), args);
    }

    /** Waits for the first line matching {@code p}; fails with everything printed so far. */
    String awaitLine(Predicate<String> p, long timeoutMs) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        synchronized (lines) {
            for (;;) {
                for (String l : lines) if (p.test(l)) return l;
                long left = end - System.currentTimeMillis();
                if (left <= 0 || !process.isAlive() && lines.stream().noneMatch(p)) {
                    throw new AssertionError("no such line from denali (alive " + process.isAlive() + "):\n" + output());
                }
                lines.wait(Math.min(left, 100));
            }
        }
    }

    /** The host port of the first --hostfwd as denali reports it (`denali: --hostfwd tcp:127.0.0.1:PORT-...`). */
    int forwardedPort(String protocol) throws InterruptedException {
        String l = awaitLine(s -> s.startsWith("denali: --hostfwd " + protocol + ":"), 60_000);
        String rest = l.substring(("denali: --hostfwd " + protocol + ":").length());
        return Integer.parseInt(rest.substring(rest.indexOf(':') + 1, rest.indexOf('-')));
    }

    String output() {
        synchronized (lines) {
            return String.join("\n", lines) + "\n";
        }
    }

    boolean isAlive() { return process.isAlive(); }

    /** Waits for the VM to end by itself (60 s at most) and for its last lines; returns the exit status. */
    int waitFor() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("denali did not end:\n" + output());
        reader.join(10_000);
        return process.exitValue();
    }

    /** SIGTERM, then waits for the end-of-run report; returns the exit status. */
    int stop() throws InterruptedException {
        process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its output
        if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        reader.join(10_000); // until it has read the last lines
        return process.exitValue();
    }

    @Override public void close() throws InterruptedException {
        if (process.isAlive()) stop();
    }
}
