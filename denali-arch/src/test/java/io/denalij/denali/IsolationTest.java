package io.denalij.denali;

import io.denalij.devices.denali.DenaliNic;
import io.denalij.devices.denali.IoExecutor;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static io.denalij.denali.Asm.EAX;
import static io.denalij.denali.Asm.EDX;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two VMs in one JVM, run round robin as a scheduler would: one faults, loops forever or floods its
 * NIC, and the other (an SDK guest) still runs to its normal end with its normal output.
 */
class IsolationTest {
    static final Path IMAGES = Path.of("..", "testimages", "images", "denali").toAbsolutePath().normalize();
    static final long QUANTUM = 20_000;

    record Vm(DenaliMachine machine, ByteArrayOutputStream console) {
        String text() { return console.toString(StandardCharsets.UTF_8); }
    }

    static Vm boot(IoExecutor io, TimeSource time, int vmId, byte[] image, String cmdline) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DenaliConfig c = DenaliConfig.of(vmId, 4 << 20, out, io).withTime(time).withCmdline(cmdline);
        return new Vm(DenaliMachine.boot(c, image), out);
    }

    static byte[] guest(String name) throws IOException {
        return Files.readAllBytes(IMAGES.resolve(name + ".elf"));
    }

    /** Round robin, 100 us of clock per round, until {@code b} is over; returns the rounds it took. */
    static int roundRobinUntilOver(ManualTime time, Vm a, Vm b, int maxRounds, Runnable eachRound) {
        for (int round = 0; round < maxRounds; round++) {
            a.machine().runQuantum(QUANTUM);
            b.machine().runQuantum(QUANTUM);
            eachRound.run();
            if (b.machine().result() != null) return round;
            time.advanceMicros(100);
        }
        throw new AssertionError("VM " + b.machine().vmId() + " did not finish in " + maxRounds + " rounds: " + b.text());
    }

    @Test
    void aFaultingNeighbourDoesNotStopHello() throws IOException {
        ManualTime time = new ManualTime();
        try (IoExecutor io = new IoExecutor(1)) {
            Vm a = boot(io, time, 0, guest("faults"), "pf");
            Vm b = boot(io, time, 1, guest("hello"), "neighbour");
            roundRobinUntilOver(time, a, b, 1000, () -> { });
            assertEquals(14, Harness.fault(a.machine().result()).vector());
            assertEquals(0, Harness.status(b.machine().result()));
            assertEquals("Hello from Denali VM 1\ncmdline: [neighbour]\nmem_size: 4194304 bytes (4096 KiB)\n", b.text());
            a.machine().close();
            b.machine().close();
        }
    }

    @Test
    void aSpinningNeighbourDoesNotStarveATimerGuest() throws IOException {
        ManualTime time = new ManualTime();
        try (IoExecutor io = new IoExecutor(1)) {
            Vm a = boot(io, time, 0, guest("faults"), "spin");
            Vm b = boot(io, time, 1, guest("timer"), "period=1000 count=5");
            roundRobinUntilOver(time, a, b, 1000, () -> { });
            assertEquals(0, Harness.status(b.machine().result()), b.text());
            assertTrue(b.text().endsWith("timer: done\n"), b.text());
            assertNull(a.machine().result(), "the spinner is still running: nobody ended it");
            assertTrue(a.machine().instructions() > 1_000_000, "and it had its quanta");
            a.machine().close();
            b.machine().close();
        }
    }

    @Test
    void aNicFloodDoesNotBlockTheHostOrTheEchoNeighbour() throws IOException {
        ManualTime time = new ManualTime();
        try (IoExecutor io = new IoExecutor(1)) {
            // Sends a 60-byte frame over and over, never idles.
            Asm flood = new Asm().store(0x12000, 0x13000).store(0x12004, 60).label("l")
                    .movImm(EDX, 0x200).movImm(EAX, 0x12000).bytes(0xEF).jmp("l");
            Vm a = boot(io, time, 0, flood.elf(), "");
            Vm b = boot(io, time, 1, guest("echo"), "count=3");
            byte[][] sent = new byte[3][];
            for (int i = 0; i < 3; i++) {
                byte[] f = new byte[64 + i];
                byte[] dst = {0x02, 0x44, 0x4E, 0, 0, 1};
                byte[] src = {0x02, 0x11, 0x22, 0x33, 0x44, (byte) (0x50 + i)};
                System.arraycopy(dst, 0, f, 0, 6);
                System.arraycopy(src, 0, f, 6, 6);
                f[12] = (byte) 0x88;
                f[13] = (byte) 0xB5;
                for (int k = 14; k < f.length; k++) f[k] = (byte) (k * 7 + i);
                sent[i] = f;
                assertTrue(b.machine().devices().nic().offerReceive(f));
            }
            roundRobinUntilOver(time, a, b, 5000, () -> { });
            assertEquals(0, Harness.status(b.machine().result()), b.text());
            assertTrue(b.text().endsWith("echo: 3 frames echoed, 0 dropped\n"), b.text());
            for (int i = 0; i < 3; i++) {
                byte[] reply = b.machine().devices().nic().pollTransmit();
                assertEquals(sent[i].length, reply.length);
                assertArrayEquals(Arrays.copyOfRange(sent[i], 6, 12), Arrays.copyOfRange(reply, 0, 6), "back to the sender");
                assertArrayEquals(new byte[] {0x02, 0x44, 0x4E, 0, 0, 1}, Arrays.copyOfRange(reply, 6, 12), "from VM 1's MAC");
                assertArrayEquals(Arrays.copyOfRange(sent[i], 12, sent[i].length), Arrays.copyOfRange(reply, 12, reply.length));
            }
            DenaliNic nic = a.machine().devices().nic();
            assertNull(a.machine().result(), "the flooder runs on");
            assertEquals(nic.queueFrames(), nic.framesSent(), "its queue filled up to its bound");
            assertTrue(nic.transmitFullCount() > 1000, "and every further send was answered 'queue full'");
            assertEquals(1, a.machine().ram().read32(0x12008), "status 1 = transmit queue full");
            a.machine().close();
            b.machine().close();
        }
    }

    @Test
    void eachVmHasItsOwnRegisterPageAndMemory() throws IOException {
        ManualTime time = new ManualTime();
        try (IoExecutor io = new IoExecutor(1)) {
            // VM 0 scribbles over its whole register page and then faults; VM 1 must see its own.
            Asm scribble = new Asm().movImm(Asm.EDI, 0).movImm(Asm.ECX, 1024).movImm(EAX, -1).bytes(0xF3, 0xAB).bytes(0x0F, 0x0B);
            Vm a = boot(io, time, 0, scribble.elf(), "");
            Vm b = boot(io, time, 1, guest("hello"), "");
            roundRobinUntilOver(time, a, b, 100, () -> { });
            assertInstanceOf(Quantum.Faulted.class, a.machine().result());
            assertEquals(-1, a.machine().ram().read32(0x000), "VM 0 destroyed its own magic");
            assertEquals(0, Harness.status(b.machine().result()), "VM 1's magic and version were intact: " + b.text());
            a.machine().close();
            b.machine().close();
        }
    }
}
