package io.denalij.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * `denali run --net tap:NAME` end to end, inside a network namespace this test creates and deletes:
 * the child JVM runs under `ip netns exec`, creates its TAP device there, the test gives the device
 * 10.0.0.1/8 and fetches from 10.0.0.2 with curl in the same namespace. The machine's own network is
 * never touched.
 */
class TapNetworkRunTest {
    @Test
    void curlReachesTheVmDirectlyThroughATapDevice(@TempDir Path dir) throws Exception {
        assumeTrue("0".equals(Curl.run(List.of(), "id", "-u").out().trim()), "needs root (ip netns add, TUNSETIFF)");
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "no /dev/net/tun (no TUN/TAP in this kernel or container)");
        assumeTrue(Curl.installed("ip") && Curl.installed("curl"), "needs iproute2's ip and curl");
        String ns = "denalij-cli-" + ProcessHandle.current().pid();
        Curl.Run add = Curl.run(List.of(), "ip", "netns", "add", ns);
        assumeTrue(add.status() == 0, "cannot create a network namespace: " + add.out());
        List<String> inNs = List.of("ip", "netns", "exec", ns);
        try (DenaliProcess vm = DenaliProcess.start(inNs, "run", RunCommandTest.image("httpd"), "--mem", "2", "--net", "tap:dtap0")) {
            vm.awaitLine(l -> l.equals("denali: VM 0 is 10.0.0.2 on tap:dtap0 (give the device 10.0.0.1/8 and bring it up)"), 60_000);
            for (String[] cmd : new String[][] {{"ip", "link", "set", "lo", "up"}, {"ip", "addr", "add", "10.0.0.1/8", "dev", "dtap0"},
                    {"ip", "link", "set", "dtap0", "up"}}) {
                Curl.Run r = Curl.run(inNs, cmd);
                assertEquals(0, r.status(), String.join(" ", cmd) + ": " + r.out());
            }
            vm.awaitLine(l -> l.startsWith("httpd: listening on port 80"), 60_000);
            for (int size : new int[] {0, 1000, 102400, 1 << 20}) {
                Path f = dir.resolve("doc" + size);
                assertEquals(200, Curl.fetch(inNs, "http://10.0.0.2/doc?bytes=" + size, f), vm.output());
                Curl.assertDocument(size, f);
            }
            Curl.Run both = Curl.run(inNs, "curl", "-sS", "-o", "/dev/null", "-o", "/dev/null", "-w", "%{num_connects} %{http_code}\n",
                    "http://10.0.0.2/doc?bytes=100", "http://10.0.0.2/status");
            assertEquals("1 200\n0 200\n", both.out(), "keep-alive through the TAP");
            vm.stop();
            assertTrue(vm.output().contains("denali: net: tap:dtap0 frames from kernel "), vm.output());
        } finally {
            Curl.run(List.of(), "ip", "netns", "del", ns);
        }
    }
}
