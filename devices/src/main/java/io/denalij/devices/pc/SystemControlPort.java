package io.denalij.devices.pc;

/**
 * Port 0x61, the AT's "system control port B": counter 2's gate and the speaker enable on the
 * write side; counter 2's output and the refresh toggle on the read side. Linux calibrates the
 * TSC by polling bit 5 while counter 2 counts down, and older code waits on bit 4 toggling, so
 * bit 4 flips on every read.
 */
public final class SystemControlPort implements PortDevice {
    private final Pit8254 pit;
    /** Bits 0-3 as last written: gate 2, speaker data, parity and I/O check disables. */
    private int control;
    private boolean refresh;

    public SystemControlPort(Pit8254 pit) {
        this.pit = pit;
    }

    public void attach(PortBus bus) {
        bus.register(0x61, 1, this);
    }

    public boolean speakerEnabled() { return (control & 0x02) != 0; }

    @Override
    public int read(int port, int size) {
        refresh = !refresh;
        return control | (refresh ? 0x10 : 0) | (pit.out2() ? 0x20 : 0);
    }

    @Override
    public void write(int port, int size, int value) {
        control = value & 0x0F;
        pit.setGate2((value & 1) != 0);
    }
}
