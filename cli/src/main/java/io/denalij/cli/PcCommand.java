package io.denalij.cli;

import io.denalij.devices.pc.PcMachine;
import io.denalij.devices.pc.PortBus;
import io.denalij.mmu.image.LinuxBootLoader;
import io.denalij.mmu.image.MultibootLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * `denali pc`: boots a Linux bzImage, a Multiboot v1 ELF kernel or a BIOS image on an emulated PC,
 * COM1 on the terminal.
 */
@Command(name = "pc",
        mixinStandardHelpOptions = true,
        header = "Boot a Linux or Multiboot kernel, or a BIOS, on an emulated PC.",
        description = {
                "Boot a kernel on an emulated PC as qemu-system-i386 -kernel does:",
                "a Linux bzImage (32-bit boot protocol, with --initrd and --append)",
                "or a Multiboot v1 ELF kernel, told apart by their headers. With",
                "--bios, run a ROM image from the reset vector instead.",
                "COM1 is this terminal. On a terminal it is raw: every key goes to",
                "the guest; Ctrl-A X quits, Ctrl-A C prints the machine's status,",
                "Ctrl-A H lists these keys, Ctrl-A Ctrl-A sends Ctrl-A.",
                "The run ends when the guest powers off (ACPI S5: exit status 0),",
                "resets the machine (status 3, like QEMU -no-reboot but reported),",
                "or writes v to port 0xf4 (isa-debug-exit: status (v << 1) | 1).",
                "Without --kernel or --bios, boots the embedded demo kernel."})
public final class PcCommand implements java.util.concurrent.Callable<Integer> {
    static final String DEMO_KERNEL = "/testimages/pc/hello.elf";

    @Option(names = "--kernel", paramLabel = "FILE", description = "Linux bzImage or Multiboot v1 ELF kernel to boot (default: the embedded demo kernel)")
    Path kernel;

    @Option(names = "--initrd", paramLabel = "FILE", description = "initial ramdisk for a Linux kernel")
    Path initrd;

    @Option(names = "--append", paramLabel = "STRING", description = "kernel command line (a Multiboot kernel sees \"FILE STRING\", as with QEMU)")
    String append = "";

    @Option(names = "--bios", paramLabel = "FILE", description = "ROM image (a multiple of 64 KiB) mapped at the top of 4 GiB and its last 128 KiB below 1 MiB; the CPU starts at the reset vector in real mode")
    Path bios;

    @Option(names = "--mem", paramLabel = "MiB", description = "guest RAM in MiB (default: ${DEFAULT-VALUE}; 2 to 3584)")
    int memMiB = 128;

    @Option(names = "--debugcon", paramLabel = "FILE", description = "write every byte the guest sends to port 0xE9 to FILE (QEMU -debugcon)")
    Path debugcon;

    @Option(names = "--trace-io", description = "at the end, list the I/O ports the guest touched that no device models, with counts")
    boolean traceIo;

    @Option(names = "--trace", paramLabel = "N", description = "when the guest faults or hangs, print the last N executed instructions (address, bytes, disassembly, registers)")
    int trace;

    @Option(names = "--engine", paramLabel = "interp|jit", description = "execution engine (default: ${DEFAULT-VALUE})")
    String engine = "jit";

    @Option(names = "--jit-threshold", paramLabel = "N",
            description = "interpreted runs of a block before the translator compiles it (default: 10000 for a Linux kernel, whose boot is mostly lukewarm code, and 64 for others; 1 to 1000000)")
    Integer jitThreshold;

    @Option(names = "--jit-stats", description = "at the end, print what the translator did (translations, guest blocks and instructions covered, class bytes, time spent) to stderr")
    boolean jitStats;

    @Option(names = "--max-instructions", paramLabel = "N", description = "stop after N guest instructions (0 = no limit)")
    long maxInstructions;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "stop after this much host time (0 = no limit)")
    double timeoutSeconds;

    @Override public Integer call() throws IOException {
        if (memMiB < 2 || memMiB > 3584) throw new DenaliMain.UserError("--mem must be between 2 and 3584 MiB, not " + memMiB);
        if (trace < 0) throw new DenaliMain.UserError("--trace must not be negative");
        if (bios != null && (kernel != null || initrd != null)) {
            throw new DenaliMain.UserError("--bios runs the ROM from the reset vector: it does not go with --kernel or --initrd");
        }

        byte[] image = bios != null ? null : kernel == null ? demoKernel() : readFile(kernel);
        boolean linux = image != null && LinuxBootLoader.isLinuxKernel(image);
        int threshold = jitThreshold != null ? jitThreshold : EngineOption.defaultThreshold(linux);
        io.denalij.cpu.ExecutionEngine executionEngine = EngineOption.parse(engine, threshold);
        PcMachine machine = new PcMachine(new PcMachine.Config((long) memMiB << 20, System.out, trace));
        if (executionEngine != null) machine.cpu().setEngine(executionEngine);
        load(machine, image, linux);
        OutputStream debugOut = debugcon == null ? null : openDebugcon(debugcon);
        if (debugOut != null) machine.attachDebugConsole(debugOut);

        boolean interactive = TerminalMode.stdinIsTerminal();
        PcMachine.Outcome outcome;
        try (TerminalMode raw = interactive ? TerminalMode.enterRaw() : null) {
            machine.setPacedToHostTime(raw != null);
            ConsoleInput.start(machine, raw != null, System.err);
            outcome = machine.run(maxInstructions, timeoutSeconds <= 0 ? 0 : (long) (timeoutSeconds * 1e9));
        } finally {
            System.out.flush();
            if (debugOut != null) debugOut.close();
        }
        if (traceIo) printUnclaimed(machine.ports());
        if (jitStats) System.err.print(EngineOption.stats(executionEngine, machine.cpu()));
        return switch (outcome.kind()) {
            case GUEST_EXIT -> outcome.exitStatus();
            case POWER_OFF, QUIT -> 0;
            case STOPPED_BY_LIMIT, HUNG, TRIPLE_FAULT, UNIMPLEMENTED, RESET -> {
                System.err.println("denali: " + outcome.detail());
                if (!outcome.trace().isEmpty()) System.err.print(outcome.trace());
                yield DenaliMain.EXIT_GUEST_ABNORMAL;
            }
        };
    }

    /** Loads the ROM, or {@code image} (the kernel's bytes; {@code linux}: it is a bzImage). */
    private void load(PcMachine machine, byte[] image, boolean linux) throws IOException {
        if (bios != null) {
            byte[] rom = readFile(bios);
            try {
                machine.loadBios(rom);
            } catch (IllegalArgumentException e) {
                throw new DenaliMain.UserError(bios + ": " + e.getMessage());
            }
            return;
        }
        String name = kernel == null ? "demo kernel" : kernel.toString();
        try {
            if (linux) {
                machine.loadLinux(image, initrd == null ? null : readFile(initrd), append);
            } else {
                if (initrd != null) throw new DenaliMain.UserError(name + ": --initrd needs a Linux kernel, and this is not one");
                // QEMU hands the kernel "PATH APPEND" as its command line; do the same so kernels see what they would there.
                machine.loadMultiboot(image, kernel == null ? append : MultibootLoader.qemuCommandLine(kernel.toString(), append));
            }
        } catch (IllegalArgumentException e) {
            throw new DenaliMain.UserError(name + ": " + e.getMessage());
        }
    }

    private static void printUnclaimed(PortBus ports) {
        var list = ports.unclaimed();
        System.err.println("denali: unmodelled I/O ports: " + (list.isEmpty() ? "none" : list.size() + " port/direction pairs"));
        for (PortBus.UnclaimedAccess a : list) System.err.println("  " + a);
    }

    private static OutputStream openDebugcon(Path p) {
        try {
            return new BufferedOutputStream(Files.newOutputStream(p));
        } catch (IOException e) {
            throw new DenaliMain.UserError(p + ": cannot write the debug console: " + e.getMessage());
        }
    }

    private static byte[] readFile(Path p) throws IOException {
        try {
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new DenaliMain.UserError(p + ": no such file");
        } catch (IOException e) {
            throw new DenaliMain.UserError(p + ": cannot read: " + e.getMessage());
        }
    }

    private static byte[] demoKernel() throws IOException {
        try (InputStream in = PcCommand.class.getResourceAsStream(DEMO_KERNEL)) {
            if (in == null) throw new IllegalStateException("the embedded demo kernel " + DEMO_KERNEL + " is missing from the build");
            return in.readAllBytes();
        }
    }
}
