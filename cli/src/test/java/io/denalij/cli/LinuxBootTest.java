package io.denalij.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denalij.devices.pc.PcMachine;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 7's bar: Debian 12's stock i386 kernel (linux-image-6.1.0-*-686) boots with a busybox initramfs, its
 * /init script runs busybox applets (mount, awk, md5sum, seq) whose every output line is checked, and
 * {@code poweroff -f} turns the machine off through ACPI. Both packages come from Debian's archive at test
 * time ({@link DebianI386}). It runs once per execution engine: the interpreter alone and with the translator.
 */
class LinuxBootTest {
    /** The kernel command line of the test (and of bench/linux-boot.sh): serial console, no crypto self-tests. */
    static final String CMDLINE = "console=ttyS0 cryptomgr.notests";

    static final String INIT = """
            #!/bin/busybox sh
            /bin/busybox --install -s /bin
            export PATH=/bin
            mount -t proc proc /proc
            echo "denali: init pid $$"
            echo "denali: kernel $(uname -s -r -m)"
            echo "denali: processors $(grep -c ^processor /proc/cpuinfo)"
            echo "denali: cmdline $(cat /proc/cmdline)"
            seq 1 100 | awk '{ s += $1 } END { print "denali: sum " s }'
            awk 'BEGIN { x = 1; for (i = 1; i <= 20; i++) x *= 1.5; printf "denali: float %.10f %.6f", 355 / 113, x; for (i = 1; i <= 1000; i++) h += 1 / i; printf " %.12f\\n", h }'
            echo "denali: md5 $(echo -n denali | md5sum)"
            echo "denali: md5 $(seq 1 20000 | md5sum)"
            echo "denali: odd $(seq -s ' ' 1 2 15)"
            echo "denali: words $(echo the quick brown fox | awk '{ for (i = NF; i > 0; i--) printf "%s%s", toupper($i), (i > 1 ? "-" : "") }')"
            echo "denali: done"
            poweroff -f
            """;

    /** Every line the script prints, in order; the kernel release is checked by pattern. */
    static final List<String> EXPECTED = List.of(
            "denali: init pid 1",
            "KERNEL",
            "denali: processors 1",
            "denali: cmdline " + CMDLINE,
            "denali: sum 5050",
            "denali: float 3.1415929204 3325.256730 7.485470860550",
            "denali: md5 0649324aac66c440265508934cd987e7  -",
            "denali: md5 e071f707df7bbeee2a6a1eb48011ddd0  -",
            "denali: odd 1 3 5 7 9 11 13 15",
            "denali: words FOX-BROWN-QUICK-THE",
            "denali: done");

    static byte[] initramfs(byte[] busybox) {
        return new Cpio()
                .dir("bin").dir("dev").dir("proc").dir("sys").dir("tmp")
                .charDevice("dev/console", 0600, 5, 1)
                .file("bin/busybox", 0755, busybox)
                .file("init", 0755, INIT.getBytes(StandardCharsets.US_ASCII))
                .finish();
    }

    @ParameterizedTest(name = "engine {0}")
    @ValueSource(strings = {"interp", "jit"})
    @Timeout(value = 20, unit = java.util.concurrent.TimeUnit.MINUTES)
    void debianKernelBootsRunsBusyboxAndPowersOff(String engine) throws Exception {
        DebianI386 debian = DebianI386.fetch();
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        PcMachine pc = new PcMachine(new PcMachine.Config(256L << 20, serial, 64));
        io.denalij.cpu.ExecutionEngine second = EngineOption.parse(engine, EngineOption.defaultThreshold(true)); // as `denali pc` does for a Linux kernel
        if (second != null) pc.cpu().setEngine(second);
        pc.loadLinux(Files.readAllBytes(debian.vmlinuz()), initramfs(Files.readAllBytes(debian.busybox())), CMDLINE);
        long t0 = System.nanoTime();
        PcMachine.Outcome outcome = pc.run(0, 15L * 60 * 1_000_000_000L);
        double seconds = (System.nanoTime() - t0) / 1e9;
        String out = serial.toString(StandardCharsets.ISO_8859_1).replace("\r", "");
        System.out.printf("linux boot (%s): %s after %.1f s host time, %d instructions, %.3f s virtual%n",
                engine, outcome.kind(), seconds, pc.state().icount, pc.clock().nowNs() / 1e9);

        List<String> lines = out.lines().filter(l -> l.startsWith("denali: ")).toList();
        String context = "serial output:\n" + out + "\n" + outcome.detail() + "\n" + outcome.trace();
        assertEquals(EXPECTED.size(), lines.size(), "lines printed by /init\n" + context);
        for (int i = 0; i < EXPECTED.size(); i++) {
            if (EXPECTED.get(i).equals("KERNEL")) {
                assertTrue(lines.get(i).matches("denali: kernel Linux 6\\.1\\.0-\\d+-686 i686"), lines.get(i));
            } else {
                assertEquals(EXPECTED.get(i), lines.get(i), "line " + (i + 1) + " of /init's output");
            }
        }
        assertTrue(out.contains("reboot: Power down"), "the kernel's own power-off message\n" + context);
        assertEquals(PcMachine.Kind.POWER_OFF, outcome.kind(), context);
    }
}
