package io.denalij.devices.denali;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DenaliNicTest {
    private final IoExecutor io = new IoExecutor(1);
    private final TestVm vm = new TestVm(64 * 1024, io, List.of(), 4);

    @AfterEach
    void close() {
        vm.close();
        io.close();
    }

    private static byte[] frame(int len, int seed) {
        byte[] f = new byte[len];
        for (int i = 0; i < len; i++) f[i] = (byte) (seed + i * 13);
        return f;
    }

    @Test
    void sendQueuesTheFrameForTheSwitch() {
        byte[] f = frame(60, 1);
        vm.put(0x2FF0, f);
        vm.fields(0x1000, 0x2FF0, 60, 0xFFFF_FFFF);
        vm.devices.out(0x200, 0x1000);
        assertEquals(DenaliNic.SEND_QUEUED, vm.field(0x1000, 2));
        assertEquals(3, vm.devices.in(0x200), "one of four places used");
        assertArrayEquals(f, vm.devices.nic().pollTransmit());
        assertNull(vm.devices.nic().pollTransmit());
    }

    @Test
    void sendLengthsOutside14To1514AreStatus2() {
        for (int len : new int[] {0, 13, 1515, 0x8000_0000}) {
            vm.fields(0x1000, 0x2000, len, 0xFFFF_FFFF);
            vm.devices.out(0x200, 0x1000);
            assertEquals(DenaliNic.SEND_BAD_LENGTH, vm.field(0x1000, 2), "len " + len);
        }
        for (int len : new int[] {14, 1514}) {
            vm.fields(0x1000, 0x2000, len, 0xFFFF_FFFF);
            vm.devices.out(0x200, 0x1000);
            assertEquals(DenaliNic.SEND_QUEUED, vm.field(0x1000, 2), "len " + len);
        }
        assertEquals(14, vm.devices.nic().pollTransmit().length);
        assertEquals(1514, vm.devices.nic().pollTransmit().length);
    }

    @Test
    void fullTransmitQueueAnswersStatus1WithoutBlocking() {
        vm.fields(0x1000, 0x2000, 100, 0);
        for (int i = 0; i < 4; i++) {
            vm.devices.out(0x200, 0x1000);
            assertEquals(DenaliNic.SEND_QUEUED, vm.field(0x1000, 2));
        }
        assertEquals(0, vm.devices.in(0x200));
        vm.devices.out(0x200, 0x1000);
        assertEquals(DenaliNic.SEND_QUEUE_FULL, vm.field(0x1000, 2));
        assertEquals(1, vm.devices.nic().transmitFullCount());
        assertNotNull(vm.devices.nic().pollTransmit());
        vm.devices.out(0x200, 0x1000);
        assertEquals(DenaliNic.SEND_QUEUED, vm.field(0x1000, 2));
        assertEquals(5, vm.devices.nic().framesSent());
    }

    @Test
    void sendBufferOutsideRamFaults() {
        vm.fields(0x1000, 0xFFC0, 100, 0);
        DeviceAccessFault f = assertThrows(DeviceAccessFault.class, () -> vm.devices.out(0x200, 0x1000));
        assertEquals(0x10000, f.address());
        assertThrows(DeviceAccessFault.class, () -> vm.devices.out(0x200, 0xFFF8), "3-field block at 0xFFF8");
        assertNull(vm.devices.nic().pollTransmit());
    }

    @Test
    void receiveCopiesTheNextFrameAndRaisesNetWhileFramesWait() {
        vm.fields(0x1000, 0x3000, 1514, 0xFFFF_FFFF);
        vm.devices.out(0x201, 0x1000);
        assertEquals(0, vm.field(0x1000, 2), "out_len 0 when nothing waits");
        assertEquals(0, vm.devices.boundary(0));

        byte[] a = frame(64, 5), b = frame(1514, 9);
        assertTrue(vm.devices.nic().offerReceive(a));
        assertTrue(vm.devices.nic().offerReceive(b));
        assertEquals(2, vm.devices.in(0x201));
        assertEquals(DenaliInterrupts.NET, vm.devices.boundary(0));

        vm.devices.out(0x201, 0x1000);
        assertEquals(64, vm.field(0x1000, 2));
        assertArrayEquals(a, vm.get(0x3000, 64));
        assertEquals(DenaliInterrupts.NET, vm.devices.boundary(0), "still one waiting");
        vm.devices.out(0x201, 0x1000);
        assertEquals(1514, vm.field(0x1000, 2));
        assertArrayEquals(b, vm.get(0x3000, 1514));
        assertEquals(0, vm.devices.boundary(0));
        assertEquals(2, vm.devices.nic().framesReceived());
    }

    @Test
    void frameLargerThanTheBufferStaysQueuedAndOutLenSaysItsSize() {
        byte[] big = frame(600, 3);
        vm.devices.nic().offerReceive(big);
        vm.put(0x3000, new byte[] {0x77, 0x77});
        vm.fields(0x1000, 0x3000, 100, 0);
        vm.devices.out(0x201, 0x1000);
        assertEquals(600, vm.field(0x1000, 2), "out_len > len: the buffer was too small");
        assertEquals(0x77, vm.get(0x3000, 1)[0] & 0xFF, "nothing copied");
        assertEquals(1, vm.devices.in(0x201));
        vm.fields(0x1000, 0x3000, 600, 0);
        vm.devices.out(0x201, 0x1000);
        assertEquals(600, vm.field(0x1000, 2));
        assertArrayEquals(big, vm.get(0x3000, 600));
        assertEquals(0, vm.devices.in(0x201));
    }

    @Test
    void receiveBufferOutsideRamFaults() {
        vm.devices.nic().offerReceive(frame(64, 1));
        vm.fields(0x1000, 0xFFF0, 1514, 0);
        assertThrows(DeviceAccessFault.class, () -> vm.devices.out(0x201, 0x1000));
        assertEquals(1, vm.devices.in(0x201), "the frame is still there");
    }

    @Test
    void receiveQueueIsBoundedAndCountsDrops() {
        DenaliNic nic = vm.devices.nic();
        for (int i = 0; i < 4; i++) assertTrue(nic.offerReceive(frame(60, i)));
        assertFalse(nic.offerReceive(frame(60, 4)));
        assertFalse(nic.offerReceive(frame(60, 5)));
        assertEquals(2, nic.receiveDrops());
        assertEquals(4, vm.devices.in(0x201));
        assertThrows(IllegalArgumentException.class, () -> nic.offerReceive(new byte[13]));
    }

    @Test
    void racingProducersNeverOverfillTheReceiveQueue() throws Exception {
        DenaliNic nic = vm.devices.nic();
        AtomicInteger accepted = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int seed = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 2000; i++) if (nic.offerReceive(frame(60, seed))) accepted.incrementAndGet();
            }));
        }
        for (Thread t : threads) t.join();
        assertEquals(4, accepted.get(), "exactly the queue's bound, nobody drained it");
        assertEquals(8000 - 4, nic.receiveDrops());
        assertEquals(4, vm.devices.in(0x201));
    }

    @Test
    void frameHandedInIsCopied() {
        byte[] f = frame(60, 1);
        byte[] keep = f.clone();
        vm.devices.nic().offerReceive(f);
        f[0] = 0x55;
        vm.fields(0x1000, 0x3000, 1514, 0);
        vm.devices.out(0x201, 0x1000);
        assertArrayEquals(keep, vm.get(0x3000, 60));
    }
}
