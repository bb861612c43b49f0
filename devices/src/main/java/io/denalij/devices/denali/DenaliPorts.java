package io.denalij.devices.denali;

/** The I/O ports of the Denali devices (SPEC section 5). */
public final class DenaliPorts {
    public static final int CONSOLE_WRITE = 0x100;
    public static final int CONSOLE_READ = 0x101;
    public static final int NIC_SEND = 0x200;
    public static final int NIC_RECEIVE = 0x201;
    public static final int DISK = 0x300;

    private DenaliPorts() {}

    /** True for exactly the ports SPEC section 5 names; every other port is a fault for the machine. */
    public static boolean isDevicePort(int port) {
        return switch (port) {
            case CONSOLE_WRITE, CONSOLE_READ, NIC_SEND, NIC_RECEIVE, DISK -> true;
            default -> false;
        };
    }
}
