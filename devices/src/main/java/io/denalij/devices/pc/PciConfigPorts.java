package io.denalij.devices.pc;

/**
 * PCI configuration mechanism #1 (ports 0xCF8-0xCFF) on a machine with no PCI devices: the address
 * register at 0xCF8 latches 32-bit writes and reads them back (enable bit 31, bus/device/function/register,
 * the two low bits always 0), and every configuration read through 0xCFC-0xCFF returns all ones, which is
 * what a bus answers when no device claims the cycle. Configuration writes go nowhere.
 *
 * <p>Byte and word accesses to 0xCF8-0xCFB are not configuration-address cycles on a PCI host bridge;
 * they fall through to the ISA bus (all ones, writes ignored), except 0xCF9, the reset control register
 * of PIIX-style chipsets: writing it with bit 2 (reset CPU) and bit 1 (system reset) set resets the
 * machine, as Linux's {@code reboot=pci} does.
 */
public final class PciConfigPorts implements PortDevice {
    public static final int ADDRESS = 0xCF8, DATA = 0xCFC, RESET_CONTROL = 0xCF9;
    private static final int ADDRESS_BITS = 0x80FF_FFFC;

    private final MachineControl control;
    private int address;
    private int resetControl;

    public PciConfigPorts(MachineControl control) { this.control = control; }

    public void attach(PortBus bus) { bus.register(ADDRESS, 8, this); }

    @Override public boolean handlesWideAccess() { return true; }

    /** The configuration address last latched (0xCF8). */
    public int address() { return address; }

    @Override
    public int read(int port, int size) {
        if (port == ADDRESS && size == 4) return address;
        if (port == RESET_CONTROL && size == 1) return resetControl;
        return -1;
    }

    @Override
    public void write(int port, int size, int value) {
        if (port == ADDRESS && size == 4) {
            address = value & ADDRESS_BITS;
        } else if (port == RESET_CONTROL && size == 1) {
            resetControl = value & 0x0E;
            if ((value & 0x06) == 0x06) control.requestReset();
        }
    }
}
