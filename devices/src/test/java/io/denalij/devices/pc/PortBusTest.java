package io.denalij.devices.pc;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class PortBusTest {
    /** Records every byte access; returns port & 0xFF xor a marker. */
    static final class ByteDevice implements PortDevice {
        final List<String> log = new ArrayList<>();
        @Override public int read(int port, int size) { log.add("r" + Integer.toHexString(port) + "/" + size); return (port & 0xFF) ^ 0xA0; }
        @Override public void write(int port, int size, int value) { log.add("w" + Integer.toHexString(port) + "/" + size + "=" + Integer.toHexString(value)); }
    }

    @Test
    void unclaimedPortsReadAllOnesBySizeAndAreCounted() {
        PortBus bus = new PortBus();
        assertEquals(0xFF, bus.in(0x123, 1));
        assertEquals(0xFFFF, bus.in(0x123, 2));
        assertEquals(0xFFFFFFFF, bus.in(0xCFC, 4));
        bus.out(0xCF8, 4, 0x80000000);
        bus.out(0xCF8, 4, 0x80000004);
        assertEquals(List.of(
                new PortBus.UnclaimedAccess(0x123, false, 2),
                new PortBus.UnclaimedAccess(0xCF8, true, 2),
                new PortBus.UnclaimedAccess(0xCFC, false, 1)), bus.unclaimed());
    }

    @Test
    void wideAccessToByteDeviceIsSplitIntoConsecutivePorts() {
        PortBus bus = new PortBus();
        ByteDevice d = new ByteDevice();
        bus.register(0x3F8, 8, d);
        assertEquals(0x5958, bus.in(0x3F8, 2));           // 0xF8^0xA0, 0xF9^0xA0
        bus.out(0x3FA, 4, 0x44332211);
        assertEquals(List.of("r3f8/1", "r3f9/1", "w3fa/1=11", "w3fb/1=22", "w3fc/1=33", "w3fd/1=44"), d.log);
    }

    @Test
    void splitAccessReachesPastTheDeviceIntoTheEmptyBus() {
        PortBus bus = new PortBus();
        bus.register(0x80, 1, new ByteDevice());
        assertEquals(0xFF20, bus.in(0x80, 2));             // 0x80^0xA0 = 0x20, port 0x81 empty
        assertEquals(List.of(new PortBus.UnclaimedAccess(0x81, false, 1)), bus.unclaimed());
    }

    @Test
    void deviceThatHandlesWideAccessGetsItWhole() {
        PortBus bus = new PortBus();
        List<String> log = new ArrayList<>();
        bus.register(0xF4, 4, new PortDevice() {
            @Override public int read(int port, int size) { return 0x12345678; }
            @Override public void write(int port, int size, int value) { log.add(size + ":" + Integer.toHexString(value)); }
            @Override public boolean handlesWideAccess() { return true; }
        });
        bus.out(0xF4, 4, 0xCAFEBABE);
        bus.out(0xF4, 2, 0x1234);
        assertEquals(List.of("4:cafebabe", "2:1234"), log);
        assertEquals(0x5678, bus.in(0xF4, 2));
        assertEquals(0x78, bus.in(0xF4, 1));
    }

    @Test
    void overlappingRegistrationIsRefused() {
        PortBus bus = new PortBus();
        bus.register(0x40, 4, new ByteDevice());
        assertThrows(IllegalStateException.class, () -> bus.register(0x43, 1, new ByteDevice()));
        assertNull(bus.lookup(0x44));
        assertNotNull(bus.lookup(0x43));
    }
}
