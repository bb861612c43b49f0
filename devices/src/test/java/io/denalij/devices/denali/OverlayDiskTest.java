package io.denalij.devices.denali;

import static io.denalij.devices.denali.DiskImages.BLOCK;
import static io.denalij.devices.denali.DiskImages.content;
import static io.denalij.devices.denali.DiskImages.hostRead;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverlayDiskTest {
    static final int REQ = 0x1000;
    static final int BUF = 0x10000;

    @TempDir Path dir;
    private final IoExecutor io = new IoExecutor(2);
    private Path image;
    private byte[] imageBytes;
    private BaseDisk base;

    @BeforeEach
    void open() throws IOException {
        image = DiskImages.image(dir, "base.img", 16);
        imageBytes = Files.readAllBytes(image);
        base = BaseDisk.open(image, false);
    }

    @AfterEach
    void close() {
        base.close();
        io.close();
    }

    private TestVm vm(String overlay) throws IOException {
        return new TestVm(1 << 20, io, List.of(VirtualDisk.copyOnWrite(base, dir.resolve(overlay))));
    }

    private static void write(TestVm vm, int block, byte[] data) {
        vm.put(BUF, data);
        vm.fields(REQ, 2, 0, block, 1, BUF, 0xEEEE);
        vm.devices.out(0x300, REQ);
        assertEquals(DenaliInterrupts.DISK, vm.devices.boundary(0));
        assertEquals(DiskStatus.OK, vm.field(REQ, 5));
    }

    private static byte[] read(TestVm vm, int block) {
        vm.fields(REQ, 1, 0, block, 1, BUF + 0x123, 0xEEEE);
        vm.devices.out(0x300, REQ);
        assertEquals(DenaliInterrupts.DISK, vm.devices.boundary(0));
        assertEquals(DiskStatus.OK, vm.field(REQ, 5));
        return vm.get(BUF + 0x123, BLOCK);
    }

    private static void flush(TestVm vm) throws InterruptedException {
        vm.fields(REQ, 3, 0, 0, 0, 0, 0xEEEE);
        vm.devices.out(0x300, REQ);
        vm.boundaryUntilStatus(REQ, 5, 0);
        assertEquals(DiskStatus.OK, vm.field(REQ, 5));
    }

    @Test
    void twoVmsOnOneBaseSeeOnlyTheirOwnWritesAndTheBaseIsUnchanged() throws Exception {
        try (TestVm a = vm("a.cow"); TestVm b = vm("b.cow")) {
            write(a, 1, content(101, 1));
            write(b, 1, content(201, 1));
            write(b, 2, content(202, 2));
            assertArrayEquals(content(101, 1), read(a, 1));
            assertArrayEquals(content(0, 2), read(a, 2), "A still sees the base's block 2");
            assertArrayEquals(content(201, 1), read(b, 1));
            assertArrayEquals(content(202, 2), read(b, 2));
            assertArrayEquals(content(0, 3), read(b, 3));
            flush(a);
            flush(b);
        }
        assertArrayEquals(imageBytes, Files.readAllBytes(image), "the shared base file is untouched");
        try (TestVm a = vm("a.cow"); TestVm b = vm("b.cow")) {
            assertArrayEquals(content(101, 1), read(a, 1), "flushed writes survive a reopen");
            assertArrayEquals(content(0, 2), read(a, 2));
            assertArrayEquals(content(201, 1), read(b, 1));
            assertArrayEquals(content(202, 2), read(b, 2));
        }
    }

    @Test
    void unflushedWritesAreLostOnReopenAndFlushedOnesStay() throws Exception {
        try (TestVm a = vm("a.cow")) {
            write(a, 4, content(1, 4));
            flush(a);
            write(a, 4, content(2, 4));
            flush(a);
            write(a, 4, content(3, 4)); // never flushed
            write(a, 5, content(3, 5)); // never flushed
            assertArrayEquals(content(3, 4), read(a, 4), "the VM itself sees its latest write");
        }
        try (TestVm a = vm("a.cow")) {
            assertArrayEquals(content(2, 4), read(a, 4));
            assertArrayEquals(content(0, 5), read(a, 5));
        }
    }

    @Test
    void slotsOfReplacedBlocksAreReused() throws Exception {
        // A one-block base has three slots: rewriting it many times only works if freed slots come back.
        try (BaseDisk one = BaseDisk.open(DiskImages.image(dir, "one.img", 1), false);
             TestVm vm = new TestVm(1 << 20, io, List.of(VirtualDisk.copyOnWrite(one, dir.resolve("one.cow"))))) {
            for (int gen = 1; gen <= 20; gen++) {
                write(vm, 0, content(gen, 0));
                write(vm, 0, content(gen + 1000, 0)); // rewrite before the flush: same pending slot
                flush(vm);
                assertArrayEquals(content(gen + 1000, 0), read(vm, 0));
            }
            assertEquals(1, ((OverlayDisk) vm.devices.disks().get(0)).overlayBlocks());
        }
        assertEquals(OverlayDisk.fileSize(1), Files.size(dir.resolve("one.cow")), "the overlay never grows");
    }

    @Test
    void writesDuringAFlushAreNotLostOrMixedUp() throws Exception {
        try (TestVm a = vm("a.cow")) {
            write(a, 6, content(1, 6));
            a.fields(0x2000, 3, 0, 0, 0, 0, 0xEEEE);
            a.devices.out(0x300, 0x2000); // flush starts with generation 1 captured
            write(a, 6, content(2, 6));   // lands while that flush may still run
            assertArrayEquals(content(2, 6), read(a, 6));
            a.boundaryUntilStatus(0x2000, 5, 0);
            assertArrayEquals(content(2, 6), read(a, 6));
            flush(a);
        }
        try (TestVm a = vm("a.cow")) {
            assertArrayEquals(content(2, 6), read(a, 6));
        }
    }

    @Test
    void anOverlayMadeForAnotherBaseIsRefused() throws Exception {
        try (TestVm a = vm("a.cow")) {
            write(a, 0, content(1, 0));
        }
        try (BaseDisk other = BaseDisk.open(DiskImages.image(dir, "other.img", 8), false)) {
            DiskOpenException e = assertThrows(DiskOpenException.class, () -> VirtualDisk.copyOnWrite(other, dir.resolve("a.cow")));
            assertTrue(e.getMessage().startsWith("disk image " + dir.resolve("a.cow") + ": overlay is "), e.getMessage());
        }
        Path junk = dir.resolve("junk.cow");
        Files.write(junk, new byte[(int) OverlayDisk.fileSize(16)]);
        DiskOpenException e = assertThrows(DiskOpenException.class, () -> VirtualDisk.copyOnWrite(base, junk));
        assertEquals("disk image " + junk + ": not a Denali copy-on-write overlay (bad magic)", e.getMessage());
    }

    @Test
    void aWritableBaseCannotBeShared() throws IOException {
        Path img = DiskImages.image(dir, "rw.img", 2);
        try (BaseDisk rw = BaseDisk.open(img, true)) {
            assertThrows(IllegalArgumentException.class, () -> VirtualDisk.copyOnWrite(rw, dir.resolve("x.cow")));
        }
    }

    @Test
    void hostSideReadSeesTheGuestsView() throws Exception {
        try (TestVm a = vm("a.cow")) {
            write(a, 9, content(5, 9));
            VirtualDisk d = a.devices.disks().get(0);
            assertArrayEquals(content(5, 9), hostRead(d, 9));
            assertArrayEquals(content(0, 8), hostRead(d, 8));
        }
    }
}
