package io.denalij.bench;

import io.denalij.denali.DenaliConfig;
import io.denalij.denali.DenaliMachine;
import io.denalij.denali.GuestImage;
import io.denalij.denali.Quantum;
import io.denalij.devices.denali.IoExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/** The swarm guest for the scheduler benchmarks: loaded once, VMs booted from it share its pages. */
final class Swarms {
    static final long MEM = 1 << 20;

    private Swarms() { }

    static GuestImage image() {
        try (InputStream in = Swarms.class.getResourceAsStream("/testimages/denali/swarm.elf")) {
            if (in == null) throw new IllegalStateException("swarm.elf is not on the classpath");
            return GuestImage.load(in.readAllBytes(), MEM);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static DenaliConfig config(int id, String cmdline, IoExecutor io) {
        return DenaliConfig.of(id, MEM, OutputStream.nullOutputStream(), io).withCmdline(cmdline).withNicQueueFrames(4);
    }

    /** Boots a VM and runs it until its first IDLE (the swarm guest idles once its working set is filled). */
    static DenaliMachine bootToIdle(int id, String cmdline, GuestImage image, IoExecutor io) {
        DenaliMachine vm = DenaliMachine.boot(config(id, cmdline, io), image);
        Quantum q;
        do q = vm.runQuantum(1_000_000); while (q instanceof Quantum.Ready);
        if (!(q instanceof Quantum.Idle)) throw new IllegalStateException("VM " + id + " did not idle: " + q);
        return vm;
    }

    static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
