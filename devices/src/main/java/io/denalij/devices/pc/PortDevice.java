package io.denalij.devices.pc;

/**
 * A device on the ISA I/O bus. Most PC devices are byte-wide: they see only 1-byte accesses and
 * the {@link PortBus} splits wider ones, as the ISA bus does. A device that decodes 16/32-bit
 * accesses itself says so with {@link #handlesWideAccess()}.
 */
public interface PortDevice {
    /** Reads {@code size} bytes at {@code port} (size is 1 unless the device handles wide accesses). */
    int read(int port, int size);

    /** Writes the low {@code size} bytes of {@code value} to {@code port}. */
    void write(int port, int size, int value);

    /** True when the device wants 16/32-bit accesses whole rather than split into bytes. */
    default boolean handlesWideAccess() { return false; }
}
