package io.denalij.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The PC-mode test kernels and what they must print, as recorded by testimages/scripts/record-qemu.sh
 * (and record-native.sh for kernels that are also built as Linux programs).
 */
final class TestImages {
    static final Path ROOT = Path.of("..", "testimages").toAbsolutePath().normalize();
    static final Path EXPECTED = ROOT.resolve("expected");
    static final Path PC_IMAGES = ROOT.resolve("images/pc");

    /**
     * One recorded run: {@code name} is the expected-file base name (compute-alu ...), {@code kernel} the
     * image, {@code append} the -append string. QEMU builds the multiboot command line as
     * "KERNEL.elf" + " " + append because the record script starts it from images/pc/.
     */
    record Case(String name, Path kernel, String append) {
        String commandLine() { return kernel.getFileName() + " " + append; }
        Path qemuOutput() { return EXPECTED.resolve(name + ".qemu.txt"); }
        Path nativeOutput() { return EXPECTED.resolve(name + ".native.txt"); }
        int qemuStatus() throws IOException { return Integer.parseInt(Files.readString(EXPECTED.resolve(name + ".qemu.status")).trim()); }
        @Override public String toString() { return name; }
    }

    static List<Case> recordedCases() throws IOException {
        List<Case> cases = new ArrayList<>();
        try (Stream<Path> files = Files.list(EXPECTED)) {
            for (Path p : files.sorted().toList()) {
                String f = p.getFileName().toString();
                if (!f.endsWith(".qemu.txt")) continue;
                String name = f.substring(0, f.length() - ".qemu.txt".length());
                int dash = name.indexOf('-');
                boolean compute = name.startsWith("compute-");
                String image = compute ? "compute" : name;
                String append = compute ? name.substring(dash + 1) : "";
                cases.add(new Case(name, PC_IMAGES.resolve(image + ".elf"), append));
            }
        }
        if (cases.isEmpty()) throw new IllegalStateException("no recorded outputs in " + EXPECTED);
        return cases;
    }

    private TestImages() { }
}
