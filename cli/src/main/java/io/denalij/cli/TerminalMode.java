package io.denalij.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Puts the controlling terminal into raw mode for an interactive guest console ({@code stty raw -echo}, so
 * that every key, Ctrl-C included, goes to the guest as QEMU's -nographic does) and restores the saved
 * settings when the run ends, normally or through a signal (a JVM shutdown hook). Uses /bin/stty on
 * /dev/tty; when there is no terminal nothing changes.
 */
final class TerminalMode implements AutoCloseable {
    private static final File TTY = new File("/dev/tty");
    private final String saved;
    private final Thread hook;

    private TerminalMode(String saved) {
        this.saved = saved;
        this.hook = new Thread(this::restore, "denali-tty-restore");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** True when standard input is a terminal (not a pipe or a file). */
    static boolean stdinIsTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    /** Raw mode on the controlling terminal, or null when there is none or stty fails. */
    static TerminalMode enterRaw() {
        if (!stdinIsTerminal() || !TTY.exists()) return null;
        String saved = stty("-g");
        if (saved == null || stty("raw", "-echo") == null) return null;
        return new TerminalMode(saved.trim());
    }

    private void restore() { stty(saved); }

    @Override public void close() {
        restore();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook itself restores
        }
    }

    /** Runs /bin/stty on the terminal; returns its output, or null if it failed. */
    private static String stty(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "/bin/stty";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(TTY))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
            return new String(out, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
