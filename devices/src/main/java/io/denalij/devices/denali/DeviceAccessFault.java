package io.denalij.devices.denali;

/**
 * A guest error found by a device: a request block or buffer not entirely inside guest RAM, or a
 * request the device refuses outright (such as an oversized console write). The Denali machine turns
 * it into a fault that terminates the VM (SPEC section 6); the device has changed nothing when it
 * throws, so the VM's devices are left consistent.
 */
public final class DeviceAccessFault extends RuntimeException {
    private final long address;

    /** {@code address} is the first guest-physical address the request would have touched wrongly. */
    public DeviceAccessFault(long address, String message) {
        super(String.format("%s (address 0x%x)", message, address));
        this.address = address;
    }

    /** The faulting guest-physical address; may be 2^32 when an access runs off the end of a 4 GiB space. */
    public long address() { return address; }

    /** The faulting address as the 32-bit value a fault report shows. */
    public int address32() { return (int) address; }
}
