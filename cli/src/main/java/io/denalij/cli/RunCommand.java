package io.denalij.cli;

import io.denalij.denali.DenaliConfig;
import io.denalij.denali.DenaliMachine;
import io.denalij.denali.NetworkAttachment;
import io.denalij.denali.Quantum;
import io.denalij.denali.SingleVmRunner;
import io.denalij.denali.TimeSource;
import io.denalij.devices.denali.BaseDisk;
import io.denalij.devices.denali.IoExecutor;
import io.denalij.devices.denali.VirtualDisk;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** `denali run`: one Denali VM with its console on the terminal. */
@Command(name = "run",
        mixinStandardHelpOptions = true,
        header = "Run one guest on the Denali virtual architecture.",
        description = {
                "Run one guest on the Denali virtual architecture (docs/DENALI.md),",
                "its console on this terminal (output to stdout, input from stdin).",
                "The exit status is the guest's TERMINATE status; a fault ends the VM",
                "with 128 + the exception vector and its report on stderr. While the",
                "guest idles, the host thread sleeps.",
                "",
                "--net puts the VM's NIC on a switch (docs/NETWORK.md). VM N is",
                "10.0.0.(N+2), the gateway 10.0.0.1. `user`: NAT in the JVM, no root;",
                "--hostfwd tcp:8080-10.0.0.2:80 forwards host port 8080 (host port 0",
                "picks a free one; stderr names it). `tap:NAME`: a Linux TAP device",
                "(root); give it 10.0.0.1/8 and bring it up."})
public final class RunCommand implements java.util.concurrent.Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IMAGE.elf", description = "the guest: an ELF32 i386 executable linked at 0x1000 or above")
    Path image;

    @Option(names = "--mem", paramLabel = "MiB", description = "guest memory in MiB (default: ${DEFAULT-VALUE}; 1 to 3584)")
    int memMiB = 16;

    @Option(names = "--disk", paramLabel = "FILE[:ro]", description = "attach a disk image (whole 4 KiB blocks); up to 4, numbered in order. "
            + ":ro attaches it read-only (guest writes fail with a status)")
    List<String> disks = new ArrayList<>();

    @Option(names = "--cmdline", paramLabel = "STRING", description = "the command line the guest finds in its register page (at most 255 bytes)")
    String cmdline = "";

    @Option(names = "--engine", paramLabel = "interp|jit", description = "execution engine (default: ${DEFAULT-VALUE})")
    String engine = "jit";

    @Option(names = "--jit-threshold", paramLabel = "N", description = "interpreted runs of a block before the translator compiles it (default: ${DEFAULT-VALUE}; 1 to 1000000)")
    int jitThreshold = EngineOption.defaultThreshold(false);

    @Option(names = "--jit-stats", description = "at the end, print what the translator did and how much of the guest ran translated to stderr")
    boolean jitStats;

    @Option(names = "--vm-id", paramLabel = "N", description = "vm_id in the register page (default: ${DEFAULT-VALUE}); picks the MAC and IP too")
    int vmId;

    @Option(names = "--max-instructions", paramLabel = "N", description = "stop after N guest instructions (0 = no limit)")
    long maxInstructions;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "stop after this much host time (0 = no limit)")
    double timeoutSeconds;

    @Option(names = "--net", paramLabel = "user|tap:NAME", description = "connect the VM's NIC: user-mode gateway or a TAP device")
    String net;

    @Option(names = "--hostfwd", paramLabel = "tcp|udp:[ADDR:]HOSTPORT-GUESTIP:GUESTPORT",
            description = "with --net user: forward a host port (on 127.0.0.1 unless ADDR) to the VM; repeatable")
    List<String> hostfwds = new ArrayList<>();

    @Override public Integer call() throws IOException {
        EngineOption.parse(engine, jitThreshold); // a wrong name or threshold is an error before anything starts
        if (memMiB < 1 || memMiB > 3584) throw new DenaliMain.UserError("--mem must be between 1 and 3584 MiB, not " + memMiB);
        if (disks.size() > 4) throw new DenaliMain.UserError("at most 4 --disk options, not " + disks.size());
        if (maxInstructions < 0 || timeoutSeconds < 0) throw new DenaliMain.UserError("limits must not be negative");
        byte[] elf = read(image);
        try (HostNetwork network = HostNetwork.open(net, hostfwds, vmId)) {
            return runWith(elf, network);
        }
    }

    private int runWith(byte[] elf, HostNetwork network) throws IOException {
        List<BaseDisk> bases = new ArrayList<>();
        SingleVmRunner runner = new SingleVmRunner(TimeSource.host());
        OutputStream console = System.out; // raw bytes; the console device flushes after every write
        try (IoExecutor io = new IoExecutor(1)) {
            List<VirtualDisk> attached = new ArrayList<>();
            try {
                for (String spec : disks) {
                    boolean ro = spec.endsWith(":ro");
                    Path file = Path.of(ro ? spec.substring(0, spec.length() - 3) : spec);
                    BaseDisk base = BaseDisk.open(file, !ro); // DiskOpenException: one line naming the file
                    bases.add(base);
                    attached.add(ro ? VirtualDisk.readOnly(base) : VirtualDisk.inPlace(base));
                }
            } catch (IOException | RuntimeException e) {
                attached.forEach(VirtualDisk::close);
                throw e;
            }
            DenaliConfig config;
            DenaliMachine vm;
            io.denalij.cpu.ExecutionEngine executionEngine;
            try {
                config = DenaliConfig.of(vmId, (long) memMiB << 20, console, io).withCmdline(cmdline).withDisks(attached)
                        .withWakeup(runner.waker());
                vm = DenaliMachine.boot(config, elf);
                executionEngine = EngineOption.parse(engine, jitThreshold);
                if (executionEngine != null) vm.cpu().setEngine(executionEngine);
            } catch (IllegalArgumentException e) {
                attached.forEach(VirtualDisk::close);
                throw new DenaliMain.UserError(image + ": " + e.getMessage());
            }
            NetworkAttachment nic = network == null ? null
                    : NetworkAttachment.attach(network.networkSwitch(), vm, config.wakeup(), NetworkAttachment.Delivery.BATCHED);
            Thread reportAtExit = network == null ? null : new Thread(() -> network.report(stderr()), "denali-net-report");
            try (vm) {
                startConsoleInput(vm);
                if (network != null) {
                    network.describe(vmId, stderr());
                    Runtime.getRuntime().addShutdownHook(reportAtExit); // killed (SIGTERM, ^C): still say what the network dropped
                }
                SingleVmRunner.Outcome outcome = runner.run(vm, nic, maxInstructions,
                        (long) (timeoutSeconds * 1e9));
                System.out.flush();
                if (network != null && removeHook(reportAtExit)) network.report(stderr());
                if (jitStats) stderr().print(EngineOption.stats(executionEngine, vm.cpu()));
                return switch (outcome) {
                    case SingleVmRunner.Outcome.Finished(Quantum.Terminated(int status)) -> status;
                    case SingleVmRunner.Outcome.Finished(Quantum.Faulted(var report)) -> {
                        stderr().println("denali: " + report.message());
                        yield report.exitStatus();
                    }
                    case SingleVmRunner.Outcome.Finished f -> throw new IllegalStateException("unfinished result " + f);
                    case SingleVmRunner.Outcome.LimitReached(String why) -> {
                        stderr().println("denali: " + why);
                        yield DenaliMain.EXIT_GUEST_ABNORMAL;
                    }
                };
            }
        } finally {
            bases.forEach(BaseDisk::close);
        }
    }

    private static PrintStream stderr() { return System.err; }

    /** True when the hook was still registered (the JVM is not shutting down and running it already). */
    private static boolean removeHook(Thread hook) {
        try {
            return Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return false;
        }
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

    /** Host stdin to the VM's console from a daemon thread; a full input queue makes the reader wait. */
    private static void startConsoleInput(DenaliMachine vm) {
        java.io.InputStream stdin = System.in;
        Thread t = new Thread(() -> {
            byte[] buf = new byte[256];
            try {
                int n;
                while ((n = stdin.read(buf)) > 0) {
                    byte[] chunk = java.util.Arrays.copyOf(buf, n);
                    while (!vm.offerConsoleInput(chunk)) Thread.sleep(5);
                }
            } catch (IOException | InterruptedException ignored) {
                // stdin closed or unreadable: the guest simply sees no more input
            }
        }, "denali-stdin");
        t.setDaemon(true);
        t.start();
    }
}
