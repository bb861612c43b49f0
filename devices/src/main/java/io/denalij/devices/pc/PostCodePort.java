package io.denalij.devices.pc;

/**
 * Port 0x80, the POST diagnostic port: firmware and kernels write progress codes (and Linux
 * writes it just to waste a bus cycle in outb_p). It keeps the last value written and reads it back.
 */
public final class PostCodePort implements PortDevice {
    public static final int PORT = 0x80;
    private int last;

    public void attach(PortBus bus) {
        bus.register(PORT, 1, this);
    }

    public int lastCode() { return last; }

    @Override public int read(int port, int size) { return last; }

    @Override public void write(int port, int size, int value) { last = value & 0xFF; }
}
