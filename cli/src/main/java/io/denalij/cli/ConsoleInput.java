package io.denalij.cli;

import io.denalij.devices.pc.PcMachine;

import java.io.IOException;
import java.io.PrintStream;

/**
 * Feeds the host's standard input to the guest's COM1 from a daemon thread (the machine itself has no threads).
 * On a terminal, the input is raw and Ctrl-A commands ({@link ConsoleEscapes}) are taken out of it.
 */
final class ConsoleInput {
    private ConsoleInput() { }

    /**
     * @param escapes whether Ctrl-A commands are recognised (interactive terminals)
     */
    static void start(PcMachine machine, boolean escapes, PrintStream messages) {
        ConsoleEscapes keys = new ConsoleEscapes(new ConsoleEscapes.Actions() {
            @Override public void quit() { machine.requestQuit(); }
            @Override public void status() {
                // read without synchronisation: a status line may be a slice old, which is all it promises
                messages.printf("\r\n[denali: %d instructions, EIP %08x, virtual time %.3f s]\r\n",
                        machine.state().icount, machine.state().eip, machine.clock().nowNs() / 1e9);
            }
            @Override public void help() { messages.print(ConsoleEscapes.HELP); }
        });
        machine.setInputOpen(true);
        Thread t = new Thread(() -> {
            byte[] buf = new byte[256];
            try {
                int n;
                while ((n = System.in.read(buf)) > 0) {
                    byte[] b = escapes ? keys.filter(buf, n) : java.util.Arrays.copyOf(buf, n);
                    if (b.length > 0) machine.offerSerialInput(b);
                }
            } catch (IOException ignored) {
                // stdin closed or unreadable: the guest simply sees no more input
            } finally {
                machine.setInputOpen(false);
            }
        }, "denali-stdin");
        t.setDaemon(true);
        t.start();
    }
}
