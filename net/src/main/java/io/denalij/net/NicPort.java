package io.denalij.net;

import io.denalij.devices.denali.DenaliNic;

/** A VM's Denali NIC as a switch port: its queues are the NIC's own bounded queues. */
public final class NicPort implements SwitchPort {
    private final int vmId;
    private final DenaliNic nic;

    public NicPort(int vmId, DenaliNic nic) {
        this.vmId = vmId;
        this.nic = nic;
    }

    @Override public byte[] pollTransmit() { return nic.pollTransmit(); }

    @Override public boolean offerReceive(byte[] frame) { return nic.offerReceive(frame); }

    @Override public String name() { return "vm" + vmId; }

    public int vmId() { return vmId; }
}
