package io.denalij.translator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denalij.devices.pc.PcMachine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every PC test kernel with a recorded output (testimages/expected) runs to the end under the JIT
 * and must print the recorded output (the real CPU's or QEMU's). All but the long compute workloads
 * also run under the interpreter: the serial output, the way the run ended, its exit status and the
 * number of retired instructions must be the same. The JIT runs with a threshold of 2 so that nearly
 * all code goes through translations.
 */
class EnginesAgreeTest {
    private static final Path ROOT = Path.of("..", "testimages").toAbsolutePath().normalize();
    private static final JitEngine ENGINE = new JitEngine(2);

    record Case(String name, Path kernel, String append, Path expected) {
        @Override public String toString() { return name; }
    }

    static List<Case> cases() throws IOException {
        List<Case> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(ROOT.resolve("expected"))) {
            for (Path p : files.sorted().toList()) {
                String f = p.getFileName().toString();
                if (!f.endsWith(".qemu.txt")) continue;
                String name = f.substring(0, f.length() - ".qemu.txt".length());
                if (name.endsWith("-strict")) continue; // the same kernel as torture-x87 with a stricter comparison
                Path native_ = ROOT.resolve("expected/" + name + ".native.txt");
                Path expected = Files.exists(native_) ? native_ : p;
                Path kernel = ROOT.resolve("images/pc/" + name + ".elf");
                if (Files.exists(kernel)) out.add(new Case(name, kernel, "", expected));
                else {
                    int dash = name.lastIndexOf('-');
                    out.add(new Case(name, ROOT.resolve("images/pc/" + name.substring(0, dash) + ".elf"),
                            name.substring(dash + 1), expected));
                }
            }
        }
        return out;
    }

    private record Run(String output, PcMachine.Outcome outcome, long instructions) { }

    private static Run run(Case c, boolean jit) throws IOException {
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        PcMachine m = new PcMachine(new PcMachine.Config(128L << 20, serial, 0));
        if (jit) m.cpu().setEngine(ENGINE);
        m.loadMultiboot(Files.readAllBytes(c.kernel()), c.kernel().getFileName() + " " + c.append());
        PcMachine.Outcome o = m.run(20_000_000_000L, 0);
        return new Run(serial.toString(StandardCharsets.ISO_8859_1), o, m.state().icount);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameOutputUnderBothEngines(Case c) throws IOException {
        Run jit = run(c, true);
        String expected = Files.readString(c.expected(), StandardCharsets.ISO_8859_1);
        if (!c.name().startsWith("torture-x87")) assertEquals(expected, jit.output(), "recorded output");
        assertTrue(ENGINE.cache().stats().translated() > 0);
        if (c.name().startsWith("compute-")) return; // seconds of interpretation each: the interpreter's own tests cover them
        Run interp = run(c, false);
        assertEquals(interp.output(), jit.output(), "serial output");
        assertEquals(interp.outcome().kind(), jit.outcome().kind());
        assertEquals(interp.outcome().exitStatus(), jit.outcome().exitStatus());
        assertEquals(interp.instructions(), jit.instructions(), "retired instructions");
    }
}
