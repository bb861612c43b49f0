package io.denalij.denali;

import io.denalij.devices.denali.IoExecutor;
import io.denalij.devices.denali.VirtualDisk;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Boots hand-assembled guests on a manual clock and runs them quantum by quantum. */
final class Harness implements AutoCloseable {
    static final long MEM = 1 << 20;

    final ManualTime time = new ManualTime();
    final ByteArrayOutputStream console = new ByteArrayOutputStream();
    final AtomicInteger wakeups = new AtomicInteger();
    final IoExecutor io = new IoExecutor(1);
    private final List<DenaliMachine> machines = new ArrayList<>();

    DenaliMachine boot(Asm asm) {
        return boot(asm.elf(), MEM, "", List.of(), 0);
    }

    DenaliMachine boot(byte[] elf, long mem, String cmdline, List<VirtualDisk> disks, int vmId) {
        DenaliConfig c = DenaliConfig.of(vmId, mem, console, io).withTime(time).withCmdline(cmdline).withDisks(disks)
                .withWakeup(wakeups::incrementAndGet);
        DenaliMachine m = DenaliMachine.boot(c, elf);
        machines.add(m);
        return m;
    }

    /** Runs quanta (time frozen) until the VM is over or idle; fails after {@code maxQuanta}. */
    static Quantum runUntilStopped(DenaliMachine m, int maxQuanta) {
        for (int i = 0; i < maxQuanta; i++) {
            Quantum q = m.runQuantum(100_000);
            if (!(q instanceof Quantum.Ready)) return q;
        }
        throw new AssertionError("VM still runnable after " + maxQuanta + " quanta at eip 0x" + Integer.toHexString(m.state().eip));
    }

    static FaultReport fault(Quantum q) {
        if (q instanceof Quantum.Faulted(FaultReport r)) return r;
        throw new AssertionError("expected a fault, got " + q);
    }

    static int status(Quantum q) {
        if (q instanceof Quantum.Terminated(int s)) return s;
        throw new AssertionError("expected TERMINATE, got " + q);
    }

    String consoleText() { return console.toString(StandardCharsets.UTF_8); }

    @Override public void close() {
        machines.forEach(DenaliMachine::close);
        io.close();
    }
}
