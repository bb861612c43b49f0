package io.denalij.scheduler;

import io.denalij.denali.DenaliConfig;
import io.denalij.denali.GuestImage;
import io.denalij.denali.Quantum;
import io.denalij.denali.TimeSource;
import io.denalij.devices.denali.IoExecutor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Boots swarm guests (testimages/denali/guests/swarm.c) into a scheduler, each with its own console buffer. */
final class SwarmHarness implements AutoCloseable {
    static final long MEM = 1 << 20;
    private static final Pattern REPORT = Pattern.compile(
            "swarm: vm=(\\d+) rounds=(\\d+) checked=(\\d+) errors=(\\d+) sum=([0-9a-f]{8}) (ok|FAIL)");

    final Scheduler scheduler;
    final IoExecutor io = new IoExecutor(1);
    final List<ByteArrayOutputStream> consoles = new ArrayList<>();
    private final GuestImage image;

    /** What a swarm VM reported when it ended. */
    record Report(int vm, long rounds, long checked, long errors, boolean ok) { }

    SwarmHarness(SchedulerConfig config) {
        this.scheduler = new Scheduler(config, TimeSource.host());
        this.image = GuestImage.load(swarmElf(), MEM);
    }

    static byte[] swarmElf() {
        try (InputStream in = SwarmHarness.class.getResourceAsStream("/testimages/denali/swarm.elf")) {
            if (in == null) throw new IllegalStateException("swarm.elf is not on the classpath");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    VmSlot boot(String cmdline) {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        consoles.add(console);
        int id = consoles.size() - 1;
        return scheduler.boot(DenaliConfig.of(id, MEM, syncStream(console), io).withCmdline(cmdline), image);
    }

    /** Boots a VM whose console output is thrown away (for crowds of thousands). */
    VmSlot bootQuiet(String cmdline) {
        consoles.add(null);
        return scheduler.boot(DenaliConfig.of(consoles.size() - 1, MEM, OutputStream.nullOutputStream(), io)
                .withCmdline(cmdline).withNicQueueFrames(4), image);
    }

    private static OutputStream syncStream(ByteArrayOutputStream b) {
        return new OutputStream() {
            @Override public void write(int x) { synchronized (b) { b.write(x); } }
            @Override public void write(byte[] a, int off, int len) { synchronized (b) { b.write(a, off, len); } }
        };
    }

    String console(int vm) {
        ByteArrayOutputStream b = consoles.get(vm);
        synchronized (b) { return b.toString(StandardCharsets.UTF_8); }
    }

    Report report(int vm) {
        Matcher m = REPORT.matcher(console(vm));
        if (!m.find()) throw new AssertionError("VM " + vm + " printed no report: [" + console(vm) + "]");
        return new Report(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                Long.parseLong(m.group(4)), m.group(6).equals("ok"));
    }

    static int status(VmSlot vm) {
        if (vm.result() instanceof Quantum.Terminated(int s)) return s;
        throw new AssertionError(vm + " did not terminate: " + vm.result() + (vm.crash() != null ? " crash " + vm.crash() : ""));
    }

    @Override public void close() {
        scheduler.close();
        io.close();
    }
}
