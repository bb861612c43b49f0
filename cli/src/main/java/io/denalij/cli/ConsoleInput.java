package io.denalij.cli;

import io.denalij.devices.pc.PcMachine;

import java.io.IOException;

/** Feeds the host's standard input to the guest's COM1 from a daemon thread (the machine itself has no threads). */
final class ConsoleInput {
    private ConsoleInput() { }

    static void start(PcMachine machine) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[256];
            try {
                int n;
                while ((n = System.in.read(buf)) > 0) machine.offerSerialInput(java.util.Arrays.copyOf(buf, n));
            } catch (IOException ignored) {
                // stdin closed or unreadable: the guest simply sees no more input
            }
        }, "denali-stdin");
        t.setDaemon(true);
        t.start();
    }
}
