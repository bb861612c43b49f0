package io.denalij.devices.denali;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DenaliDevicesTest {
    @TempDir Path dir;
    private final IoExecutor io = new IoExecutor(1);

    @AfterEach
    void close() {
        io.close();
    }

    @Test
    void onlyTheFiveDevicePortsAreHandled() {
        try (TestVm vm = new TestVm(1 << 16, io, List.of())) {
            for (int port : new int[] {0x100, 0x101, 0x200, 0x201, 0x300}) assertTrue(DenaliPorts.isDevicePort(port));
            for (int port : new int[] {0x0, 0x80, 0x102, 0x1FF, 0x202, 0x301, 0x3F8}) {
                assertFalse(DenaliPorts.isDevicePort(port));
                assertThrows(IllegalArgumentException.class, () -> vm.devices.out(port, 0x1000));
                assertThrows(IllegalArgumentException.class, () -> vm.devices.in(port));
            }
        }
    }

    @Test
    void eventsOfAllFourKindsArriveAsOneBatch() throws IOException {
        try (BaseDisk base = BaseDisk.open(DiskImages.image(dir, "d.img", 2), false)) {
            try (TestVm vm = new TestVm(1 << 20, io, List.of(VirtualDisk.readOnly(base)))) {
                assertEquals(0, vm.devices.boundary(100)); // arms the timer: deadline 100 us
                assertFalse(vm.devices.eventsWaiting());
                vm.devices.nic().offerReceive(new byte[60]);
                vm.devices.console().offerInput(new byte[] {'x'});
                assertEquals(2, vm.wakeups.get(), "each host event woke the VM");
                vm.fields(0x1000, 1, 0, 0, 1, 0x10000, 0xEEEE);
                vm.devices.out(0x300, 0x1000);
                assertTrue(vm.devices.eventsWaiting());
                vm.clock.set(100_000);
                int bits = vm.devices.boundary(100);
                assertEquals(DenaliInterrupts.TIMER | DenaliInterrupts.NET | DenaliInterrupts.DISK | DenaliInterrupts.CONSOLE, bits);
                assertEquals(0xF, bits);
                assertEquals(DenaliInterrupts.NET | DenaliInterrupts.CONSOLE, vm.devices.boundary(100), "levels stay up, events do not");
                assertEquals(200_000, vm.devices.nextDeadlineNs());
                assertEquals(1, base.attachments());
            }
            assertEquals(0, base.attachments());
        }
    }

    @Test
    void closeWaitsForARunningFlushAndTheBaseThenCloses() throws Exception {
        Path img = DiskImages.image(dir, "d.img", 4);
        BaseDisk base = BaseDisk.open(img, false);
        TestVm vm = new TestVm(1 << 20, io, List.of(VirtualDisk.copyOnWrite(base, dir.resolve("d.cow"))));
        vm.put(0x10000, DiskImages.content(3, 1));
        vm.fields(0x1000, 2, 0, 1, 1, 0x10000, 0xEEEE);
        vm.devices.out(0x300, 0x1000);
        vm.fields(0x2000, 3, 0, 0, 0, 0, 0xEEEE);
        vm.devices.out(0x300, 0x2000);
        IllegalStateException busy = assertThrows(IllegalStateException.class, base::close);
        assertTrue(busy.getMessage().endsWith("is still attached to 1 VM disk(s); close them first"), busy.getMessage());
        vm.close(); // the flush is on the I/O thread; close must let it finish before unmapping
        base.close();
        try (BaseDisk again = BaseDisk.open(img, false);
             VirtualDisk d = VirtualDisk.copyOnWrite(again, dir.resolve("d.cow"))) {
            assertArrayEquals(DiskImages.content(3, 1), DiskImages.hostRead(d, 1), "the flush issued before close completed");
        }
    }
}
