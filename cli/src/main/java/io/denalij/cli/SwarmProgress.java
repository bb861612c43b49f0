package io.denalij.cli;

import io.denalij.scheduler.Scheduler;
import io.denalij.scheduler.SchedulerStats;
import java.io.PrintStream;
import java.util.function.IntSupplier;

/**
 * The live line of `denali swarm`, about once a second: on a terminal one status line rewritten in
 * place (\r), otherwise one plain line per report, so logs stay readable.
 */
final class SwarmProgress implements Runnable {
    private final Scheduler scheduler;
    private final IntSupplier wanted;
    private final PrintStream out;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private long lastInstructions, lastNanos = start;
    private volatile boolean stopped;
    private int lastWidth;

    SwarmProgress(Scheduler scheduler, IntSupplier wanted, PrintStream out, boolean terminal) {
        this.scheduler = scheduler;
        this.wanted = wanted;
        this.out = out;
        this.terminal = terminal;
    }

    @Override public void run() {
        while (!stopped) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            if (!stopped) print();
        }
    }

    synchronized void print() {
        SchedulerStats s = scheduler.stats();
        long now = System.nanoTime();
        double rate = (s.instructions() - lastInstructions) * 1e9 / Math.max(1, now - lastNanos);
        lastInstructions = s.instructions();
        lastNanos = now;
        Runtime rt = Runtime.getRuntime();
        String line = String.format("%4ds booted %d/%d | running %d runnable %d idle %d swapped %d waiting %d | exited %d faulted %d | %s instr/s | heap %.1f/%.1f GiB",
                (now - start) / 1_000_000_000, s.vms(), wanted.getAsInt(), s.running(), s.runnable(), s.idle(), s.swapped(),
                s.waiting(), s.exited(), s.faulted(), SwarmSummary.si(rate), (rt.totalMemory() - rt.freeMemory()) / 1073741824.0,
                rt.maxMemory() / 1073741824.0);
        if (terminal) {
            out.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
            lastWidth = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Ends the line (on a terminal) so the summary starts on its own line. */
    synchronized void stop() {
        stopped = true;
        if (terminal && lastWidth > 0) out.println();
        out.flush();
    }
}
