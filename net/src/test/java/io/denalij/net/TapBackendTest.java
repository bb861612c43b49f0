package io.denalij.net;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The TAP backend against the real Linux kernel, inside a network namespace this test creates and
 * deletes: the machine's own network is never touched. A UDP socket in the namespace sends to VM 3
 * (10.0.0.5); the kernel ARPs (the switch answers by proxy), the datagram crosses the TAP into the
 * switch, a synthetic VM echoes it, and the kernel delivers the echo to the socket.
 */
@Timeout(60)
class TapBackendTest {
    private final String ns = "denalij-test-" + ProcessHandle.current().pid();
    private boolean created;

    @BeforeEach
    void namespace() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "skipped: /dev/net/tun does not exist (no TUN/TAP here)");
        assumeTrue("root".equals(System.getProperty("user.name")), "skipped: TAP devices and namespaces need root");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")),
                "skipped: the ip command (iproute2) is missing");
        assumeTrue(run("ip", "netns", "add", ns) == 0, "skipped: cannot create a network namespace (ip netns add failed)");
        created = true;
    }

    @AfterEach
    void deleteNamespace() throws Exception {
        if (created) run("ip", "netns", "del", ns);
    }

    private static int run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), ISO_8859_1);
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", cmd) + " hung");
        }
        if (p.exitValue() != 0) System.err.println(String.join(" ", cmd) + ": " + out);
        return p.exitValue();
    }

    @Test
    void theKernelInANamespaceTalksUdpToAVmThroughTheTap() throws Exception {
        EthernetSwitch sw = new EthernetSwitch();
        try (TapBackend tap = TapBackend.openInNamespace(ns, "dn0", 256)) {
            tap.attachTo(sw);
            TestPort vm = new TestPort("vm3", 1000);
            vm.attachment = sw.attachVm(3, vm);
            for (List<String> cmd : List.of(List.of("link", "set", "lo", "up"), List.of("addr", "add", "10.0.0.1/8", "dev", "dn0"),
                    List.of("link", "set", "dn0", "up"))) {
                String[] full = new String[cmd.size() + 3];
                full[0] = "ip";
                full[1] = "-n";
                full[2] = ns;
                for (int i = 0; i < cmd.size(); i++) full[i + 3] = cmd.get(i);
                assertEquals(0, run(full), String.join(" ", full));
            }
            CompletableFuture<String> reply = CompletableFuture.supplyAsync(() -> {
                try {
                    return NetworkNamespace.call(ns, () -> {
                        try (DatagramSocket s = new DatagramSocket()) {
                            s.setSoTimeout(10_000);
                            byte[] hello = "hello from the namespace".getBytes(ISO_8859_1);
                            s.send(new DatagramPacket(hello, hello.length, InetAddress.getByName("10.0.0.5"), 7));
                            DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
                            s.receive(p);
                            return p.getAddress().getHostAddress() + ":" + p.getPort() + " "
                                    + new String(p.getData(), 0, p.getLength(), ISO_8859_1);
                        }
                    });
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            long end = System.nanoTime() + 20_000_000_000L;
            int echoed = 0;
            while (!reply.isDone() && System.nanoTime() < end) {
                sw.pumpUntilIdle(100);
                for (byte[] f; (f = vm.received.poll()) != null; ) {
                    Ipv4Packet p = Ipv4Packet.parse(f);
                    Udp.Datagram d = p != null && p.protocol() == Ipv4Packet.UDP ? Udp.parse(f, p) : null;
                    if (d == null || d.dstPort() != 7 || d.dstIp() != AddressPlan.ipOf(3)) continue;
                    byte[] data = java.util.Arrays.copyOfRange(f, d.data(), d.data() + d.dataLen());
                    vm.send(Udp.build(Ethernet.source(f), AddressPlan.macOf(3), d.dstIp(), 7, d.srcIp(), d.srcPort(),
                            data, 0, data.length, echoed++));
                }
                Thread.sleep(1);
            }
            assertEquals("10.0.0.5:7 hello from the namespace", reply.get(1, TimeUnit.SECONDS));
            assertTrue(sw.proxyArpReplies() >= 1, "the kernel's ARP request was answered by the switch");
            assertTrue(sw.learnedAddresses() >= 1, "the kernel's MAC was learned on the TAP port");
            assertTrue(tap.framesFromKernel() >= 2 && tap.framesToKernel() >= 2,
                    "from kernel " + tap.framesFromKernel() + ", to kernel " + tap.framesToKernel());
        }
    }

    @Test
    void aBadNameFailsClearly() {
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> TapBackend.openInNamespace(ns, "a-name-longer-than-15", 16));
        assertTrue(e.getMessage().contains("1 to 15 characters"), e.getMessage());
    }
}
