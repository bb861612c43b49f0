package io.denalij.cli;

import io.denalij.cpu.ExecutionEngine;
import io.denalij.denali.DenaliConfig;
import io.denalij.denali.GuestImage;
import io.denalij.denali.TimeSource;
import io.denalij.devices.denali.IoExecutor;
import io.denalij.scheduler.Scheduler;
import io.denalij.scheduler.SchedulerConfig;
import io.denalij.scheduler.SchedulerStats;
import io.denalij.scheduler.VmSlot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** `denali swarm`: many VMs of one image in this JVM, under the scheduler (docs/SCHEDULER.md). */
@Command(name = "swarm",
        mixinStandardHelpOptions = true,
        header = "Run many Denali VMs of one image in one JVM, with live progress.",
        description = {
                "Boot N VMs of one guest image under the scheduler: carrier threads",
                "run them round-robin, idle VMs cost no CPU, and with --budget the",
                "gatekeeper swaps VMs out to keep resident guest memory within it.",
                "A status line shows progress about once a second. Each VM's console",
                "keeps only its last lines; the summary reads them. With --duration,",
                "counted from when every VM has run, every VM is sent \"q\" on its",
                "console when the time is up (the swarm guest then reports and exits)",
                "and the run ends when all have ended.",
                "Exit status: 0 when every VM ran and exited with status 0, else 1."})
public final class SwarmCommand implements java.util.concurrent.Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IMAGE.elf", description = "the guest, e.g. testimages/images/denali/swarm.elf")
    Path image;

    @Option(names = "--vms", paramLabel = "N", required = true, description = "number of VMs (1 to 10,000,000)")
    int vms;

    @Option(names = "--mem", paramLabel = "MiB", description = "guest memory per VM in MiB (default: ${DEFAULT-VALUE}; 1 to 3584)")
    int memMiB = 1;

    @Option(names = "--budget", paramLabel = "GiB", description = "resident guest memory for all VMs; VMs beyond it wait swapped out (default: none)")
    double budgetGiB;

    @Option(names = "--duration", paramLabel = "S", description = "seconds to run once every VM has run, then ask every VM to stop (default: until all end)")
    double durationSeconds;

    @Option(names = "--cmdline", paramLabel = "STRING", description = "command line of every VM (at most 255 bytes)")
    String cmdline = "";

    @Option(names = "--json", paramLabel = "FILE", description = "write the summary as JSON to FILE")
    Path json;

    @Option(names = "--carriers", paramLabel = "N", description = "carrier threads (default: one per core)")
    int carriers = Runtime.getRuntime().availableProcessors();

    @Option(names = "--quantum", paramLabel = "N", description = "guest instructions per quantum (default: ${DEFAULT-VALUE})")
    long quantum = 100_000;

    @Option(names = "--console-lines", paramLabel = "N", description = "console lines kept per VM (default: ${DEFAULT-VALUE})")
    int consoleLines = 2;

    @Option(names = "--swap-file", paramLabel = "FILE", description = "swap file for --budget (default: a temporary file, deleted at the end)")
    Path swapFile;

    @Option(names = "--engine", paramLabel = "interp|jit", description = "execution engine of every VM (default: ${DEFAULT-VALUE}); "
            + "jit: one translator for all VMs, so that a block one VM of the image compiled runs compiled in all")
    String engine = "interp";

    @Option(names = "--jit-threshold", paramLabel = "N", description = "with --engine jit: interpreted runs of a block before it is compiled (default: ${DEFAULT-VALUE}; 1 to 1000000)")
    int jitThreshold = EngineOption.defaultThreshold(false);

    @Option(names = "--jit-stats", description = "at the end, print the translator's counters (with --engine jit) to stderr")
    boolean jitStats;

    @Option(names = "--stop-grace", paramLabel = "S", description = "after the stop request, seconds to wait for the VMs to end (default: 60 + 1 per 2,000 VMs)")
    double graceSeconds = -1;

    @Override public Integer call() throws IOException, InterruptedException {
        check();
        ExecutionEngine executionEngine = EngineOption.parse(engine, jitThreshold); // checks the name and threshold too
        byte[] elf = read(image);
        long mem = (long) memMiB << 20;
        GuestImage guest;
        try {
            guest = GuestImage.load(elf, mem);
        } catch (IllegalArgumentException e) {
            throw new DenaliMain.UserError(image + ": " + e.getMessage());
        }
        SchedulerConfig config = SchedulerConfig.defaults().withCarriers(carriers).withQuantum(quantum).withEngine(executionEngine);
        if (budgetGiB > 0) config = config.withBudgetPages((long) (budgetGiB * (1L << 30)) >>> 12)
                .withSwapFile(swapFile, Math.max(1L << 16, (long) vms * (mem >>> 12)));
        PrintStream out = System.out;
        boolean terminal = System.console() != null;
        List<ConsoleTail> tails = new ArrayList<>(vms);
        long heapPeak = 0;
        Map<String, Object> run = new LinkedHashMap<>();
        long start = System.nanoTime();
        try (IoExecutor io = new IoExecutor(1); Scheduler scheduler = new Scheduler(config, TimeSource.host())) {
            SwarmProgress progress = new SwarmProgress(scheduler, () -> vms, out, terminal);
            Thread progressThread = Thread.ofPlatform().name("denali-swarm-progress").daemon().start(progress);
            scheduler.start();
            System.gc();
            long heapBefore = usedHeap();
            for (int i = 0; i < vms; i++) {
                ConsoleTail tail = new ConsoleTail(consoleLines, 256);
                tails.add(tail);
                // No network in a swarm run: the NIC queues stay tiny.
                DenaliConfig c = DenaliConfig.of(i, mem, tail, io).withCmdline(cmdline).withNicQueueFrames(4);
                try {
                    scheduler.boot(c, guest);
                } catch (IllegalArgumentException e) {
                    throw new DenaliMain.UserError(image + ": " + e.getMessage());
                }
                if ((i & 1023) == 0) heapPeak = Math.max(heapPeak, usedHeap());
            }
            double bootSeconds = (System.nanoTime() - start) / 1e9;
            long heapAfterBoot = usedHeap();
            long perVm = Math.max(0, heapAfterBoot - heapBefore) / Math.max(1, vms);
            // The minute of --duration counts from when every VM has run (booted and reached its
            // first quantum's end), not from when the last one was created: with 100,000 VMs the
            // first turns alone take a while, and a VM that never ran has made no progress.
            long deadline = Long.MAX_VALUE;
            double allRanSeconds = Double.NaN;
            while (!scheduler.awaitAllDone(TimeUnit.MILLISECONDS.toNanos(200))) {
                heapPeak = Math.max(heapPeak, usedHeap());
                if (deadline == Long.MAX_VALUE && scheduler.stats().ran() == vms) {
                    allRanSeconds = (System.nanoTime() - start) / 1e9;
                    if (durationSeconds > 0) deadline = System.nanoTime() + (long) (durationSeconds * 1e9);
                }
                if (System.nanoTime() - deadline >= 0) break;
            }
            if (Double.isNaN(allRanSeconds) && scheduler.stats().ran() == vms) allRanSeconds = (System.nanoTime() - start) / 1e9;
            boolean stopRequested = false;
            if (scheduler.stats().done() < vms) {
                stopRequested = true;
                scheduler.broadcastConsole("q".getBytes(StandardCharsets.US_ASCII));
                double grace = graceSeconds >= 0 ? graceSeconds : 60 + vms / 2000.0;
                long graceEnd = System.nanoTime() + (long) (grace * 1e9);
                while (!scheduler.awaitAllDone(TimeUnit.MILLISECONDS.toNanos(200)) && System.nanoTime() - graceEnd < 0) {
                    heapPeak = Math.max(heapPeak, usedHeap());
                }
            }
            progress.print();
            progress.stop();
            progressThread.interrupt();
            SchedulerStats stats = scheduler.stats();
            run.put("image", image.toString());
            run.put("mem_mib", memMiB);
            run.put("cmdline", cmdline);
            run.put("carriers", carriers);
            run.put("quantum", quantum);
            run.put("engine", engine);
            run.put("budget_pages", config.hasBudget() ? config.budgetPages() : 0);
            run.put("policy", config.hasBudget() ? config.policy().get().name() : "none");
            run.put("duration_seconds", durationSeconds);
            run.put("stop_requested", stopRequested);
            run.put("boot_seconds", bootSeconds);
            run.put("all_ran_seconds", allRanSeconds);
            run.put("wall_seconds", (System.nanoTime() - start) / 1e9);
            run.put("heap_per_vm_bytes", perVm);
            run.put("heap_peak_bytes", Math.max(heapPeak, usedHeap()));
            run.put("heap_max_bytes", Runtime.getRuntime().maxMemory());
            SwarmSummary summary = SwarmSummary.of(run, scheduler.vms(), tails, stats);
            out.print(summary.text());
            out.flush();
            if (jitStats) System.err.print(EngineOption.translatorStats(executionEngine));
            if (json != null) Files.writeString(json, summary.json());
            return summary.allGood() ? 0 : 1;
        }
    }

    private void check() {
        if (vms < 1 || vms > 10_000_000) throw new DenaliMain.UserError("--vms must be between 1 and 10,000,000, not " + vms);
        if (memMiB < 1 || memMiB > 3584) throw new DenaliMain.UserError("--mem must be between 1 and 3584 MiB, not " + memMiB);
        if (budgetGiB < 0 || durationSeconds < 0) throw new DenaliMain.UserError("--budget and --duration must not be negative");
        if (carriers < 1 || carriers > 1024) throw new DenaliMain.UserError("--carriers must be between 1 and 1024, not " + carriers);
        if (quantum < 1) throw new DenaliMain.UserError("--quantum must be at least 1");
        if (consoleLines < 1 || consoleLines > 100) throw new DenaliMain.UserError("--console-lines must be between 1 and 100");
        if (cmdline.getBytes(StandardCharsets.UTF_8).length > 255) throw new DenaliMain.UserError("--cmdline is longer than 255 bytes");
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new DenaliMain.UserError(p + ": no such file");
        } catch (IOException e) {
            throw new DenaliMain.UserError(p + ": cannot read: " + e.getMessage());
        }
    }
}
