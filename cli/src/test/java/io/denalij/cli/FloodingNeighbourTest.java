package io.denalij.cli;

import io.denalij.denali.DenaliConfig;
import io.denalij.denali.DenaliMachine;
import io.denalij.denali.NetworkAttachment;
import io.denalij.denali.Quantum;
import io.denalij.devices.denali.IoExecutor;
import io.denalij.net.EthernetSwitch;
import io.denalij.net.GatewayConfig;
import io.denalij.net.HostForward;
import io.denalij.net.PortStats;
import io.denalij.net.UserModeGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two VMs on one switch behind the user-mode gateway: VM 1 sends frames to VM 0 as fast as it can and
 * never idles; VM 0's httpd must still answer curl byte for byte. (Malformed frames, spoofing and
 * floods at the switch level are net's EthernetSwitchTest; this is the end-to-end check.)
 */
class FloodingNeighbourTest {
    @Test
    void httpdAnswersCurlWhileItsNeighbourFloodsIt(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Curl.installed("curl"), "curl is not installed");
        HostForward fwd = HostForward.parse("tcp:0-10.0.0.2:80");
        EthernetSwitch sw = new EthernetSwitch();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Thread> runner = new AtomicReference<>();
        Runnable wake = () -> { // the VMs' and the switch's wakeups: the runner never sleeps here (the flooder never idles)
            Thread t = runner.get();
            if (t != null) LockSupport.unpark(t);
        };
        ByteArrayOutputStream console0 = new ByteArrayOutputStream();
        try (IoExecutor io = new IoExecutor(1);
             UserModeGateway gw = new UserModeGateway(GatewayConfig.defaults().withForwards(List.of(fwd)))) {
            gw.attachTo(sw);
            DenaliMachine httpd = DenaliMachine.boot(DenaliConfig.of(0, 2 << 20, syncd(console0), io).withWakeup(wake),
                    Files.readAllBytes(Path.of(RunCommandTest.image("httpd"))));
            DenaliMachine flooder = DenaliMachine.boot(DenaliConfig.of(1, 1 << 20, OutputStream.nullOutputStream(), io).withWakeup(wake),
                    floodGuest());
            NetworkAttachment net0 = NetworkAttachment.attach(sw, httpd, wake, NetworkAttachment.Delivery.BATCHED);
            NetworkAttachment net1 = NetworkAttachment.attach(sw, flooder, wake, NetworkAttachment.Delivery.BATCHED);
            sw.onPortReady(wake);
            runner.set(Thread.ofPlatform().name("two-vm-runner").start(() -> {
                // Round robin, one short quantum each, then the switch: what a scheduler does.
                while (!stop.get()) {
                    for (DenaliMachine vm : new DenaliMachine[] {httpd, flooder}) vm.runQuantum(200_000);
                    net0.afterQuantum();
                    net1.afterQuantum();
                    for (int r = 0; r < 16 && sw.hasWork() && net0.receiveRoom() >= 32; r++) sw.pump();
                }
            }));
            int port = gw.boundPort(fwd);
            long deadline = System.currentTimeMillis() + 60_000;
            while (!console0.toString().contains("httpd: listening") && System.currentTimeMillis() < deadline) Thread.sleep(20);
            for (int size : new int[] {1000, 102400}) {
                Path f = dir.resolve("doc" + size);
                assertEquals(200, Curl.fetch(List.of(), "http://127.0.0.1:" + port + "/doc?bytes=" + size, f), console0.toString());
                Curl.assertDocument(size, f);
            }
            stop.set(true);
            runner.get().join(10_000);
            PortStats flood = net1.stats();
            assertTrue(flood.framesIn() > 1_000, "the flooder really flooded: " + flood);
            assertNull(flooder.result(), "and is still running");
            assertNull(httpd.result(), "httpd is still running: " + httpd.result());
            assertTrue(flooder.devices().nic().transmitFullCount() > 0, "the flooder met its own full queue");
            httpd.close();
            flooder.close();
        }
    }

    private static OutputStream syncd(ByteArrayOutputStream b) {
        return new OutputStream() {
            @Override public void write(int x) { synchronized (b) { b.write(x); } }
            @Override public void write(byte[] a, int off, int len) { synchronized (b) { b.write(a, off, len); } }
        };
    }

    /**
     * A guest that sends a 60-byte frame from its own MAC (VM 1) to VM 0's MAC, ethertype 0x88B5, in a
     * loop with no IDLE: request block {0x12000: buffer 0x12100, length 60, status}.
     */
    static byte[] floodGuest() {
        ByteBuffer code = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
        int[][] stores = {{0x12000, 0x12100}, {0x12004, 60},
                {0x12100, 0x004E4402}, {0x12104, 0x44020000}, {0x12108, 0x0100004E}, {0x1210C, 0x0000B588}};
        for (int[] s : stores) code.put((byte) 0xC7).put((byte) 0x05).putInt(s[0]).putInt(s[1]); // mov dword [addr], imm32
        int loop = code.position();
        code.put((byte) 0xBA).putInt(0x200);      // mov edx, 0x200
        code.put((byte) 0xB8).putInt(0x12000);    // mov eax, 0x12000
        code.put((byte) 0xEF);                    // out dx, eax
        code.put((byte) 0xEB).put((byte) (loop - (code.position() + 2))); // jmp loop
        byte[] c = java.util.Arrays.copyOf(code.array(), code.position());
        int offset = 0x100, vaddr = 0x10000;
        ByteBuffer b = ByteBuffer.allocate(offset + c.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 1, 1, 1});
        b.position(16);
        b.putShort((short) 2).putShort((short) 3).putInt(1).putInt(vaddr).putInt(52).putInt(0).putInt(0);
        b.putShort((short) 52).putShort((short) 32).putShort((short) 1).putShort((short) 40).putShort((short) 0).putShort((short) 0);
        b.putInt(1).putInt(offset).putInt(vaddr).putInt(vaddr).putInt(c.length).putInt(0x4000).putInt(7).putInt(0x1000);
        b.position(offset);
        b.put(c);
        return b.array();
    }
}
