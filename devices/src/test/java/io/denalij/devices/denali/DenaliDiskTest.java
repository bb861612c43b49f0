package io.denalij.devices.denali;

import static io.denalij.devices.denali.DiskImages.BLOCK;
import static io.denalij.devices.denali.DiskImages.content;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DenaliDiskTest {
    static final int REQ = 0x1000;
    static final int BUF = 0x10000;

    @TempDir Path dir;
    private final IoExecutor io = new IoExecutor(2);
    private TestVm vm;
    private BaseDisk base;

    @AfterEach
    void close() {
        if (vm != null) vm.close();
        if (base != null) base.close();
        io.close();
    }

    private TestVm vmWithInPlaceDisk(int blocks) throws IOException {
        base = BaseDisk.open(DiskImages.image(dir, "d.img", blocks), true);
        vm = new TestVm(1 << 20, io, List.of(VirtualDisk.inPlace(base)));
        return vm;
    }

    private void request(int op, int disk, int block, int count, int addr) {
        vm.fields(REQ, op, disk, block, count, addr, 0xEEEE);
        vm.devices.out(0x300, REQ);
    }

    private int status() {
        return vm.field(REQ, 5);
    }

    @Test
    void readCompletesAtTheNextBoundaryNotBefore() throws IOException {
        vmWithInPlaceDisk(8);
        request(1, 0, 2, 2, BUF + 0x800); // unaligned buffer: each block spans two guest pages
        assertEquals(DiskStatus.PENDING, status());
        assertEquals(1, vm.devices.in(0x300));
        assertTrue(vm.devices.eventsWaiting(), "a completion is waiting");
        int bits = vm.devices.boundary(0);
        assertEquals(DenaliInterrupts.DISK, bits);
        assertEquals(DiskStatus.OK, status());
        assertEquals(0, vm.devices.in(0x300));
        assertArrayEquals(content(0, 2), vm.get(BUF + 0x800, BLOCK));
        assertArrayEquals(content(0, 3), vm.get(BUF + 0x800 + BLOCK, BLOCK));
        assertEquals(0, vm.devices.boundary(0), "delivered once");
    }

    @Test
    void writeGoesInPlaceAndFlushCompletesAfterTheIoThreadForcedIt() throws Exception {
        vmWithInPlaceDisk(8);
        vm.put(BUF, content(7, 5));
        request(2, 0, 5, 1, BUF);
        assertEquals(DiskStatus.PENDING, status());
        assertEquals(DenaliInterrupts.DISK, vm.devices.boundary(0));
        assertEquals(DiskStatus.OK, status());
        assertArrayEquals(content(7, 5), DiskImages.hostRead(vm.devices.disks().get(0), 5));
        byte[] file = Files.readAllBytes(base.path());
        assertArrayEquals(content(7, 5), Arrays.copyOfRange(file, 5 * BLOCK, 6 * BLOCK), "the file itself holds the write");
        assertArrayEquals(content(0, 4), Arrays.copyOfRange(file, 4 * BLOCK, 5 * BLOCK));

        request(3, 0, 0, 0, 0);
        assertEquals(DiskStatus.PENDING, status(), "a flush never completes synchronously");
        assertEquals(1, vm.devices.in(0x300));
        int bits = vm.boundaryUntilStatus(REQ, 5, 0);
        assertEquals(DiskStatus.OK, status());
        assertEquals(DenaliInterrupts.DISK, bits);
        assertEquals(0, vm.devices.in(0x300));
    }

    @Test
    void flushesIssuedTogetherAllComplete() throws Exception {
        vmWithInPlaceDisk(4);
        int[] blocks = {0x2000, 0x2020, 0x2040};
        for (int b : blocks) {
            vm.fields(b, 3, 0, 0, 0, 0, 0xEEEE);
            vm.devices.out(0x300, b);
        }
        assertEquals(3, vm.devices.in(0x300));
        for (int b : blocks) vm.boundaryUntilStatus(b, 5, 0);
        for (int b : blocks) assertEquals(DiskStatus.OK, vm.field(b, 5));
        assertEquals(0, vm.devices.in(0x300));
        assertEquals(3, vm.devices.diskCompletions());
    }

    @Test
    void errorStatusesArriveAtTheBoundary() throws IOException {
        vmWithInPlaceDisk(8);
        BaseDisk ro = BaseDisk.open(DiskImages.image(dir, "ro.img", 2), false);
        vm.close();
        vm = new TestVm(1 << 20, io, List.of(VirtualDisk.inPlace(base), VirtualDisk.readOnly(ro)));
        int[][] cases = {
                // op, disk, block, count, expected
                {1, 2, 0, 1, DiskStatus.BAD_DISK},
                {1, -1, 0, 1, DiskStatus.BAD_DISK},
                {3, 4, 0, 0, DiskStatus.BAD_DISK},
                {1, 0, 7, 2, DiskStatus.BAD_RANGE},
                {2, 0, 8, 1, DiskStatus.BAD_RANGE},
                {1, 0, -1, 1, DiskStatus.BAD_RANGE},
                {2, 1, 0, 1, DiskStatus.READ_ONLY},
                {0, 0, 0, 1, DiskStatus.BAD_OP},
                {4, 0, 0, 1, DiskStatus.BAD_OP},
                {1, 1, 1, 1, DiskStatus.OK},
                {1, 0, 7, 1, DiskStatus.OK},
                {1, 0, 3, 0, DiskStatus.OK},
        };
        for (int[] c : cases) {
            request(c[0], c[1], c[2], c[3], BUF);
            String what = "op " + c[0] + " disk " + c[1] + " block " + c[2] + " count " + c[3];
            assertEquals(DiskStatus.PENDING, status(), what);
            assertEquals(DenaliInterrupts.DISK, vm.devices.boundary(0), what);
            assertEquals(c[4], status(), what);
        }
        vm.close();
        vm = null;
        ro.close();
    }

    @Test
    void readOnlyDiskIsNeverWritten() throws IOException {
        Path img = DiskImages.image(dir, "ro.img", 2);
        byte[] before = Files.readAllBytes(img);
        base = BaseDisk.open(img, false);
        vm = new TestVm(1 << 20, io, List.of(VirtualDisk.readOnly(base)));
        vm.put(BUF, content(9, 0));
        request(2, 0, 0, 1, BUF);
        vm.devices.boundary(0);
        assertEquals(DiskStatus.READ_ONLY, status());
        assertArrayEquals(before, Files.readAllBytes(img));
    }

    @Test
    void buffersAndBlocksOutsideRamAreGuestFaults() throws IOException {
        vmWithInPlaceDisk(8);
        long ram = 1 << 20;
        vm.fields(REQ, 1, 0, 0, 2, (int) ram - BLOCK, 0xEEEE);
        DeviceAccessFault end = assertThrows(DeviceAccessFault.class, () -> vm.devices.out(0x300, REQ));
        assertEquals(ram, end.address());
        vm.fields(REQ, 2, 0, 0, 1, 0xFFFF_F800, 0xEEEE);
        assertThrows(DeviceAccessFault.class, () -> vm.devices.out(0x300, REQ), "buffer wrapping around 4 GiB");
        vm.fields(REQ, 1, 0, 0, 0x10_0000, BUF, 0xEEEE);
        assertThrows(DeviceAccessFault.class, () -> vm.devices.out(0x300, REQ), "count * 4 KiB is 4 GiB");
        assertEquals(0xEEEE, status(), "a faulting request writes no status");
        DeviceAccessFault block = assertThrows(DeviceAccessFault.class, () -> vm.devices.out(0x300, (int) ram - 20));
        assertEquals(ram, block.address(), "a 24-byte block 20 bytes from the end");
        assertEquals(0, vm.devices.in(0x300));
        assertEquals(0, vm.devices.boundary(0));
    }

    @Test
    void tooManyOutstandingRequestsAreRefusedAtOnce() throws IOException {
        vmWithInPlaceDisk(1);
        for (int i = 0; i < DiskController.MAX_OUTSTANDING; i++) request(1, 0, 0, 1, BUF);
        assertEquals(DiskController.MAX_OUTSTANDING, vm.devices.in(0x300));
        request(1, 0, 0, 1, BUF);
        assertEquals(DiskStatus.BUSY, status());
        vm.devices.boundary(0);
        assertEquals(0, vm.devices.in(0x300));
        request(1, 0, 0, 1, BUF);
        assertEquals(DiskStatus.PENDING, status());
    }

    @Test
    void badImagesAreRefusedWithTheFileNamed() throws IOException {
        Path missing = dir.resolve("missing.img");
        assertMessage(missing, "no such file");
        Path empty = Files.write(dir.resolve("empty.img"), new byte[0]);
        assertMessage(empty, "empty file (a disk needs at least one 4096-byte block)");
        Path odd = Files.write(dir.resolve("odd.img"), new byte[5000]);
        assertMessage(odd, "size 5000 bytes is not a multiple of the 4096-byte block size");
        assertMessage(Files.createDirectory(dir.resolve("adir")), "not a regular file");
    }

    private static void assertMessage(Path p, String reason) {
        DiskOpenException e = assertThrows(DiskOpenException.class, () -> BaseDisk.open(p, false));
        assertEquals("disk image " + p + ": " + reason, e.getMessage());
    }

    @Test
    void aWritableDiskBelongsToOneVm() throws IOException {
        vmWithInPlaceDisk(2);
        assertThrows(IllegalStateException.class, () -> VirtualDisk.inPlace(base));
        try (BaseDisk ro = BaseDisk.open(DiskImages.image(dir, "ro.img", 1), false)) {
            assertThrows(IllegalStateException.class, () -> VirtualDisk.inPlace(ro));
        }
    }

    @Test
    void disksAreReportedInOrderAndAtMostFour() throws IOException {
        try (BaseDisk ro = BaseDisk.open(DiskImages.image(dir, "ro.img", 3), false)) {
            VirtualDisk d = VirtualDisk.readOnly(ro);
            assertThrows(IllegalArgumentException.class, () -> new TestVm(1 << 16, io, List.of(d, d, d, d, d)));
            try (TestVm v = new TestVm(1 << 16, io, List.of(d, d))) {
                assertEquals(2, v.devices.disks().size());
                assertEquals(3, v.devices.disks().get(1).blocks());
            }
        }
    }
}
