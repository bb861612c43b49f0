package io.denalij.denali;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.IoBus;
import io.denalij.devices.denali.DenaliDevices;
import io.denalij.devices.denali.DenaliPorts;
import io.denalij.devices.denali.DeviceAccessFault;
import io.denalij.mmu.PageFault;

/**
 * The port space of a Denali VM: the five device ports of SPEC section 5, 32-bit accesses only
 * ({@code out dx, eax} / {@code in eax, dx}); every other port or size is refused by
 * {@link #allowed} and the CPU raises #GP(0). A device that finds a guest error (a request block or
 * buffer outside RAM, an oversized console write) turns into a fault of the OUT instruction:
 * #PF at the address when it lies outside guest memory (the access the guest asked for is what
 * faulted), #GP(0) otherwise; the device's own explanation is kept for the report.
 */
final class DenaliPortBus implements IoBus {
    private final DenaliDevices devices;
    private final long memSize;
    /** The device error behind the fault being raised, for the report; cleared when taken. */
    private DeviceAccessFault lastDeviceFault;

    DenaliPortBus(DenaliDevices devices, long memSize) {
        this.devices = devices;
        this.memSize = memSize;
    }

    static boolean allowed(int port, int size) {
        return size == 4 && DenaliPorts.isDevicePort(port);
    }

    @Override public int in(int port, int size) {
        return devices.in(port);
    }

    @Override public void out(int port, int size, int value) {
        try {
            devices.out(port, value);
        } catch (DeviceAccessFault f) {
            lastDeviceFault = f;
            String detail = String.format("port 0x%x: %s", port, f.getMessage());
            if (f.address() >= memSize) throw new CpuException(CpuException.PF, PageFault.USER, f.address32(), detail);
            throw new CpuException(CpuException.GP, 0, f.address32(), detail);
        }
    }

    /** The device error behind the exception just raised, or null when it came from the CPU. */
    DeviceAccessFault takeDeviceFault() {
        DeviceAccessFault f = lastDeviceFault;
        lastDeviceFault = null;
        return f;
    }
}
