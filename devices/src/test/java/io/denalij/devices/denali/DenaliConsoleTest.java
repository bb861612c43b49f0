package io.denalij.devices.denali;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DenaliConsoleTest {
    private final IoExecutor io = new IoExecutor(1);
    private final TestVm vm = new TestVm(0x40000, io, List.of());

    @AfterEach
    void close() {
        vm.close();
        io.close();
    }

    @Test
    void writeSendsTheBufferToTheSink() {
        vm.put(0x2FFA, "hello, denali\n".getBytes(US_ASCII)); // crosses a page boundary
        vm.fields(0x1000, 0x2FFA, 14);
        vm.devices.out(0x100, 0x1000);
        assertEquals("hello, denali\n", vm.console.toString(US_ASCII));
        assertEquals(14, vm.devices.console().bytesWritten());
        assertEquals(0, vm.devices.in(0x100));
    }

    @Test
    void writeOfExactlyTheLimitPassesAndOneMoreFaults() {
        vm.fields(0x1000, 0x2000, DenaliConsole.MAX_WRITE);
        vm.devices.out(0x100, 0x1000);
        assertEquals(DenaliConsole.MAX_WRITE, vm.console.size());
        vm.fields(0x1000, 0x2000, DenaliConsole.MAX_WRITE + 1);
        DeviceAccessFault f = assertThrows(DeviceAccessFault.class, () -> vm.devices.out(0x100, 0x1000));
        assertEquals(0x1004, f.address(), "points at the len field");
        assertEquals(DenaliConsole.MAX_WRITE, vm.console.size(), "nothing more written");
    }

    @Test
    void writeBufferOrBlockOutsideRamFaults() {
        vm.fields(0x1000, 0x3FFF0, 0x20);
        DeviceAccessFault buf = assertThrows(DeviceAccessFault.class, () -> vm.devices.out(0x100, 0x1000));
        assertEquals(0x40000, buf.address());
        DeviceAccessFault block = assertThrows(DeviceAccessFault.class, () -> vm.devices.out(0x100, 0x3FFFC));
        assertEquals(0x40000, block.address(), "a 2-field block at 0x3FFFC runs off the end of RAM");
        vm.fields(0x1000, 0xFFFF_FFF0, 0x20);
        assertThrows(DeviceAccessFault.class, () -> vm.devices.out(0x100, 0x1000), "buffer wrapping around 4 GiB");
        assertEquals(0, vm.console.size());
    }

    @Test
    void readCopiesWaitingInputAndReportsHowMuch() {
        vm.fields(0x1000, 0x3000, 16, 0xFFFF);
        vm.devices.out(0x101, 0x1000);
        assertEquals(0, vm.field(0x1000, 2), "nothing waiting");

        assertTrue(vm.devices.console().offerInput("abc".getBytes(US_ASCII)));
        assertTrue(vm.devices.console().offerInput("defgh".getBytes(US_ASCII)));
        assertEquals(8, vm.devices.in(0x101));
        assertEquals(DenaliInterrupts.CONSOLE, vm.devices.boundary(0));

        vm.fields(0x1000, 0x3000, 5, 0);
        vm.devices.out(0x101, 0x1000);
        assertEquals(5, vm.field(0x1000, 2));
        assertEquals("abcde", new String(vm.get(0x3000, 5), US_ASCII));
        assertEquals(3, vm.devices.in(0x101));

        vm.fields(0x1000, 0x3000, 16, 0);
        vm.devices.out(0x101, 0x1000);
        assertEquals(3, vm.field(0x1000, 2));
        assertEquals("fgh", new String(vm.get(0x3000, 3), US_ASCII));
        assertEquals(0, vm.devices.in(0x101));
        assertEquals(0, vm.devices.boundary(0), "no CONSOLE bit once drained");
    }

    @Test
    void readBufferOutsideRamFaultsEvenWithNoInput() {
        vm.fields(0x1000, 0x3FF00, 0x200, 0);
        assertThrows(DeviceAccessFault.class, () -> vm.devices.out(0x101, 0x1000));
    }

    @Test
    void inputFromAnotherThreadArrivesWholeAndInOrder() throws Exception {
        int chunks = 5000;
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < chunks; i++) expected.writeBytes(("line " + i + "\n").getBytes(US_ASCII));
        Thread producer = new Thread(() -> {
            for (int i = 0; i < chunks; i++) {
                byte[] chunk = ("line " + i + "\n").getBytes(US_ASCII);
                while (!vm.devices.console().offerInput(chunk)) Thread.onSpinWait();
            }
        });
        producer.start();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (got.size() < expected.size() && System.nanoTime() < deadline) {
            vm.fields(0x1000, 0x3000, 7, 0); // odd size: reads split chunks
            vm.devices.out(0x101, 0x1000);
            got.writeBytes(vm.get(0x3000, vm.field(0x1000, 2)));
        }
        producer.join();
        assertArrayEquals(expected.toByteArray(), got.toByteArray());
        assertTrue(vm.wakeups.get() >= chunks, "every offer woke the VM");
    }

    @Test
    void inputQueueIsBounded() {
        DenaliConsole c = vm.devices.console();
        for (int i = 0; i < DenaliConsole.INPUT_CHUNKS; i++) assertTrue(c.offerInput(new byte[] {(byte) i}));
        assertFalse(c.offerInput(new byte[] {1, 2, 3}));
        assertEquals(DenaliConsole.INPUT_CHUNKS, vm.devices.in(0x101), "the refused chunk is not counted");
    }
}
