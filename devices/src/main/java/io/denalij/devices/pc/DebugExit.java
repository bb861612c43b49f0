package io.denalij.devices.pc;

/**
 * QEMU's isa-debug-exit device ({@code -device isa-debug-exit,iobase=0xf4,iosize=0x04}): any
 * write of value v to its ports asks the machine to stop with process exit status
 * {@code (v << 1) | 1}, v being the whole value of the access width used, as QEMU takes it.
 * Reads find nothing there (all ones).
 */
public final class DebugExit implements PortDevice {
    public static final int IOBASE = 0xF4, IOSIZE = 4;
    private final MachineControl control;

    public DebugExit(MachineControl control) {
        this.control = control;
    }

    public void attach(PortBus bus) {
        bus.register(IOBASE, IOSIZE, this);
    }

    @Override public boolean handlesWideAccess() { return true; }

    @Override public int read(int port, int size) { return -1; }

    @Override
    public void write(int port, int size, int value) {
        int v = size == 4 ? value : value & ((1 << (8 * size)) - 1);
        control.requestExit((v << 1) | 1);
    }
}
