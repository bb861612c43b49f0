package io.denalij.devices.pc;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * QEMU's ISA debug console ({@code -debugcon}, port 0xE9, the "Bochs hack"): every byte written to the
 * port goes to an output, unbuffered by the device; a read returns 0xE9, which is how guests detect it.
 */
public final class DebugConsole implements PortDevice {
    public static final int PORT = 0xE9;
    private final OutputStream out;

    public DebugConsole(OutputStream out) { this.out = out; }

    public void attach(PortBus bus) { bus.register(PORT, 1, this); }

    @Override public int read(int port, int size) { return PORT; }

    @Override
    public void write(int port, int size, int value) {
        try {
            out.write(value);
        } catch (IOException e) {
            throw new UncheckedIOException("debug console output failed", e);
        }
    }
}
