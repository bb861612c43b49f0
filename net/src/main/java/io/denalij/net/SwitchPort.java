package io.denalij.net;

/**
 * Something plugged into the {@link EthernetSwitch}: a VM's NIC ({@link NicPort}), the user-mode gateway,
 * a TAP device. Both methods are called only by the thread that pumps the switch, and neither may block.
 */
public interface SwitchPort {
    /** The next frame this port sends into the switch, or null when none waits. The array becomes the switch's. */
    byte[] pollTransmit();

    /**
     * Queues a frame for this port. Returns false when its bounded receive queue is full and the frame
     * was dropped. The port may keep the array but must not change it: a flood hands the same array to
     * several ports.
     */
    boolean offerReceive(byte[] frame);

    /** For reports: "vm42", "gateway", "tap:dn0". */
    String name();
}
