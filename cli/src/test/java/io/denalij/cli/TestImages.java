package io.denalij.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
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
     * One recorded run: {@code name} is the expected-file base name (compute-alu, torture-x87-strict ...),
     * {@code kernel} the image, {@code append} the -append string. QEMU builds the multiboot command line as
     * "KERNEL.elf" + " " + append because the record script starts it from images/pc/.
     */
    record Case(String name, Path kernel, String append) {
        String commandLine() { return kernel.getFileName() + " " + append; }
        Path qemuOutput() { return EXPECTED.resolve(name + ".qemu.txt"); }
        Path nativeOutput() { return EXPECTED.resolve(name + ".native.txt"); }

        /**
         * The reference output: the real CPU's where the kernel is also a Linux program (the hardware is the
         * oracle), QEMU's otherwise.
         */
        Path reference() { return Files.exists(nativeOutput()) ? nativeOutput() : qemuOutput(); }

        /** Exit status as QEMU reports it: (code << 1) | 1 for a kernel that wrote code to port 0xf4. */
        int expectedStatus() throws IOException {
            Path q = EXPECTED.resolve(name + ".qemu.status");
            if (Files.exists(q) && !name.endsWith("-strict")) return Integer.parseInt(Files.readString(q).trim());
            int nativeStatus = Integer.parseInt(Files.readString(EXPECTED.resolve(name + ".native.status")).trim());
            return (nativeStatus << 1) | 1;
        }

        @Override public String toString() { return name; }
    }

    /** Every recorded run, named by its expected files; "KERNEL-ARG" names kernel KERNEL run with -append ARG. */
    static List<Case> recordedCases() throws IOException {
        TreeSet<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.list(EXPECTED)) {
            for (Path p : files.toList()) {
                String f = p.getFileName().toString();
                if (f.endsWith(".qemu.txt")) names.add(f.substring(0, f.length() - ".qemu.txt".length()));
                if (f.endsWith(".native.txt")) names.add(f.substring(0, f.length() - ".native.txt".length()));
            }
        }
        List<Case> cases = new ArrayList<>();
        for (String name : names) {
            if (Files.exists(PC_IMAGES.resolve(name + ".elf"))) {
                cases.add(new Case(name, PC_IMAGES.resolve(name + ".elf"), ""));
            } else {
                int dash = name.lastIndexOf('-');
                cases.add(new Case(name, PC_IMAGES.resolve(name.substring(0, dash) + ".elf"), name.substring(dash + 1)));
            }
        }
        if (cases.isEmpty()) throw new IllegalStateException("no recorded outputs in " + EXPECTED);
        return cases;
    }

    private TestImages() { }
}
