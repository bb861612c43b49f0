package io.denalij.cli;

import io.denalij.devices.pc.PcMachine;
import io.denalij.mmu.image.MultibootLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** `denali pc`: boots a Multiboot v1 ELF kernel on an emulated PC, COM1 on the terminal. */
@Command(name = "pc",
        mixinStandardHelpOptions = true,
        header = "Boot a Multiboot kernel on an emulated PC (like qemu-system-i386 -kernel).",
        description = {
                "Boot a Multiboot v1 ELF kernel on an emulated PC, as",
                "qemu-system-i386 -kernel does. COM1 is this terminal (output to",
                "stdout, input from stdin). The guest ends the run by writing v to",
                "port 0xf4 (isa-debug-exit): the exit status is then (v << 1) | 1.",
                "Without --kernel, boots the embedded demo kernel."})
public final class PcCommand implements java.util.concurrent.Callable<Integer> {
    static final String DEMO_KERNEL = "/testimages/pc/hello.elf";

    @Option(names = "--kernel", paramLabel = "FILE.elf", description = "Multiboot v1 ELF kernel to boot (default: the embedded demo kernel)")
    Path kernel;

    @Option(names = "--append", paramLabel = "STRING", description = "kernel command line; as with QEMU the kernel sees \"FILE.elf STRING\"")
    String append = "";

    @Option(names = "--mem", paramLabel = "MiB", description = "guest RAM in MiB (default: ${DEFAULT-VALUE}; 2 to 3584)")
    int memMiB = 128;

    @Option(names = "--trace", paramLabel = "N", description = "when the guest faults or hangs, print the last N executed instructions (address, bytes, disassembly, registers)")
    int trace;

    @Option(names = "--max-instructions", paramLabel = "N", description = "stop after N guest instructions (0 = no limit)")
    long maxInstructions;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "stop after this much host time (0 = no limit)")
    double timeoutSeconds;

    @Override public Integer call() throws IOException {
        if (memMiB < 2 || memMiB > 3584) throw new DenaliMain.UserError("--mem must be between 2 and 3584 MiB, not " + memMiB);
        if (trace < 0) throw new DenaliMain.UserError("--trace must not be negative");
        byte[] image = kernel == null ? demoKernel() : readKernel(kernel);
        String name = kernel == null ? "demo kernel" : kernel.toString();

        PcMachine machine = new PcMachine(new PcMachine.Config((long) memMiB << 20, System.out, trace));
        try {
            // QEMU hands the kernel "PATH APPEND" as its command line; do the same so kernels see what they would there.
            machine.loadMultiboot(image, kernel == null ? append : MultibootLoader.qemuCommandLine(kernel.toString(), append));
        } catch (IllegalArgumentException e) {
            throw new DenaliMain.UserError(name + ": " + e.getMessage());
        }
        ConsoleInput.start(machine);
        PcMachine.Outcome outcome = machine.run(maxInstructions, timeoutSeconds <= 0 ? 0 : (long) (timeoutSeconds * 1e9));
        System.out.flush();
        return switch (outcome.kind()) {
            case GUEST_EXIT -> outcome.exitStatus();
            case STOPPED_BY_LIMIT, HUNG, TRIPLE_FAULT, UNIMPLEMENTED, RESET -> {
                System.err.println("denali: " + outcome.detail());
                if (!outcome.trace().isEmpty()) System.err.print(outcome.trace());
                yield DenaliMain.EXIT_GUEST_ABNORMAL;
            }
        };
    }

    private static byte[] readKernel(Path p) throws IOException {
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
