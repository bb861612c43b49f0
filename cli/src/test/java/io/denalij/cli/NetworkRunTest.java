package io.denalij.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * `denali run --net user --hostfwd ...` end to end: the httpd guest (lwIP) in a child JVM, fetched
 * with the real curl and loaded with the real wrk through the user-mode gateway; udp-echo through a
 * udp forward; and every bad network option giving one line and exit status 2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetworkRunTest {
    static final List<String> HERE = List.of();
    private DenaliProcess httpd;
    private String base;

    @BeforeAll
    void startHttpd() throws Exception {
        assumeTrue(Curl.installed("curl"), "curl is not installed (apt-get install curl)");
        httpd = DenaliProcess.start("run", RunCommandTest.image("httpd"), "--mem", "2", "--net", "user",
                "--hostfwd", "tcp:0-10.0.0.2:80");
        base = "http://127.0.0.1:" + httpd.forwardedPort("tcp");
        httpd.awaitLine(l -> l.startsWith("httpd: listening on port 80"), 60_000);
    }

    @AfterAll
    void stopHttpd() throws Exception {
        if (httpd == null) return;
        httpd.stop();
        assertTrue(httpd.output().contains("denali: net: gateway frames in "), "SIGTERM: the report still comes:\n" + httpd.output());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 1000, 102400, 1 << 20})
    void curlFetchesByteExactDocuments(int size, @TempDir Path dir) throws Exception {
        Path f = dir.resolve("doc");
        assertEquals(200, Curl.fetch(HERE, base + "/doc?bytes=" + size, f), httpd.output());
        Curl.assertDocument(size, f);
    }

    @Test
    void twoUrlsInOneCurlShareOneKeepAliveConnection(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a"), b = dir.resolve("b");
        Curl.Run r = Curl.run(HERE, "curl", "-sS", "-o", a.toString(), "-o", b.toString(), "-w", "%{num_connects} %{http_code}\n",
                base + "/doc?bytes=5000", base + "/doc?bytes=70000");
        assertEquals(0, r.status(), r.out());
        assertEquals("1 200\n0 200\n", r.out(), "the second request reused the first connection");
        Curl.assertDocument(5000, a);
        Curl.assertDocument(70000, b);
    }

    @Test
    void statusPageCountsRequests(@TempDir Path dir) throws Exception {
        Path s1 = dir.resolve("s1"), s2 = dir.resolve("s2");
        assertEquals(200, Curl.fetch(HERE, base + "/status", s1));
        assertEquals(200, Curl.fetch(HERE, base + "/status", s2));
        List<String> names = List.of("vm_id", "uptime_ms", "requests", "connections_open", "connections_total",
                "connections_refused", "body_bytes", "rx_frames", "tx_frames", "rx_dropped", "tx_dropped");
        List<String> first = Files.readAllLines(s1), second = Files.readAllLines(s2);
        assertEquals(names, first.stream().map(l -> l.split(" ")[0]).toList(), String.join("\n", first));
        assertEquals("vm_id 0", first.get(0));
        assertEquals(value(first, "requests") + 1, value(second, "requests"), "one more request answered");
        assertEquals(value(first, "connections_total") + 1, value(second, "connections_total"), "on a new connection");
        assertEquals(0, value(second, "rx_dropped"));
        assertEquals(0, value(second, "connections_refused"));
    }

    private static long value(List<String> status, String name) {
        return status.stream().filter(l -> l.startsWith(name + " ")).mapToLong(l -> Long.parseLong(l.substring(name.length() + 1)))
                .findFirst().orElseThrow();
    }

    @Test
    void unknownPathIs404(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("nf");
        assertEquals(404, Curl.fetch(HERE, base + "/nope", f));
        assertEquals("not found\n", Files.readString(f));
    }

    /**
     * wrk keeps 100 connections busy for 10 s. Its timeout is raised from 2 s to 30 s: one emulated
     * VM serves about 100 of these 100 KB documents a second here, so with 100 connections a request
     * waits about a second for its turn, and a CI machine shared with other jobs may stretch that.
     */
    @Test
    void wrkKeeps100ConnectionsBusyFor10sWithoutErrors() throws Exception {
        assumeTrue(Curl.installed("wrk"), "wrk is not installed (apt-get install wrk)");
        Curl.Run r = Curl.run(HERE, "wrk", "-c100", "-t2", "-d10s", "--timeout", "30s", base + "/doc?bytes=102400");
        assertEquals(0, r.status(), r.out());
        Matcher m = Pattern.compile("(\\d+) requests in ").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(Long.parseLong(m.group(1)) >= 100, "at least one response per connection on average:\n" + r.out());
        Matcher errors = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(r.out());
        if (errors.find()) {
            for (int g = 1; g <= 4; g++) assertEquals("0", errors.group(g), "socket errors:\n" + r.out());
        }
        assertTrue(!r.out().contains("Non-2xx"), "every response was 200:\n" + r.out());
        assertTrue(httpd.isAlive(), httpd.output());
    }

    @Test
    void udpEchoAnswersThroughAUdpForward() throws Exception {
        try (DenaliProcess echo = DenaliProcess.start("run", RunCommandTest.image("udp-echo"), "--mem", "2", "--net", "user",
                "--hostfwd", "udp:0-10.0.0.2:7", "--cmdline", "quiet count=4");
             DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int port = echo.forwardedPort("udp");
            echo.awaitLine(l -> l.startsWith("udp-echo: listening on port 7"), 60_000);
            s.setSoTimeout(2000);
            for (int size : new int[] {1, 100, 1000, 1472}) {
                byte[] payload = new byte[size];
                for (int i = 0; i < size; i++) payload[i] = (byte) (i * 31 + size);
                byte[] got = null;
                for (int attempt = 0; attempt < 10 && got == null; attempt++) { // the first one may wait for ARP
                    s.send(new DatagramPacket(payload, size, InetAddress.getLoopbackAddress(), port));
                    DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
                    try {
                        s.receive(reply);
                        got = Arrays.copyOf(reply.getData(), reply.getLength());
                    } catch (SocketTimeoutException again) {
                        // resend
                    }
                }
                assertArrayEquals(payload, got, "echo of " + size + " bytes\n" + echo.output());
            }
            echo.awaitLine(l -> l.equals("udp-echo: 4 datagrams echoed, 0 failed"), 30_000);
            assertEquals(0, echo.waitFor(), echo.output());
            assertTrue(echo.output().contains("denali: net: gateway frames in "), "the end-of-run report:\n" + echo.output());
        }
    }

    // ---- bad options: one line on stderr, exit status 2 ----

    @Test
    void badNetworkOptionsGiveOneLineAndStatus2() throws Exception {
        String hello = RunCommandTest.image("hello");
        assertUsage("--net must be user or tap:NAME, not 'bogus'", "run", hello, "--net", "bogus");
        assertUsage("--hostfwd needs --net user", "run", hello, "--hostfwd", "tcp:8080-10.0.0.2:80");
        assertUsage("--hostfwd tcp:80x-10.0.0.2:80: expected tcp:[HOSTADDR:]HOSTPORT-GUESTIP:GUESTPORT (or udp:)",
                "run", hello, "--net", "user", "--hostfwd", "tcp:80x-10.0.0.2:80");
        assertUsage("--hostfwd tcp:0-10.0.0.9:80: 10.0.0.9 is not this VM's address (VM 0 is 10.0.0.2)",
                "run", hello, "--net", "user", "--hostfwd", "tcp:0-10.0.0.9:80");
        assertUsage("--hostfwd tcp:0-10.0.0.2:0: guest port 0", "run", hello, "--net", "user", "--hostfwd", "tcp:0-10.0.0.2:0");
        assertUsage("--net tap:NAME: 'a/b' is not a network device name (1 to 15 of A-Z a-z 0-9 _ . -)",
                "run", hello, "--net", "tap:a/b");
        assertUsage("--hostfwd works with --net user only; with a TAP device the host reaches 10.0.0.2 directly",
                "run", hello, "--net", "tap:dn0", "--hostfwd", "tcp:0-10.0.0.2:80");
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String spec = "tcp:" + busy.getLocalPort() + "-10.0.0.2:80";
            PcCommandTest.Result r = RunCommandTest.denali("run", hello, "--net", "user", "--hostfwd", spec);
            assertEquals(2, r.status(), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("denali: --hostfwd tcp:127.0.0.1:" + busy.getLocalPort() + "-10.0.0.2:80: cannot listen"), r.err());
        }
    }

    private static void assertUsage(String message, String... args) {
        PcCommandTest.Result r = RunCommandTest.denali(args);
        assertEquals("denali: " + message + "\n", r.err());
        assertEquals(2, r.status());
        assertEquals("", r.out());
    }

    @Test
    void aGuestWithoutNetworkTrafficRunsAsBeforeAndGetsAReport() {
        PcCommandTest.Result r = RunCommandTest.denali("run", RunCommandTest.image("hello"), "--net", "user", "--vm-id", "3",
                "--hostfwd", "tcp:0-10.0.0.5:80");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("Hello from Denali VM 3\n"), r.out());
        assertTrue(r.err().matches("(?s)denali: --hostfwd tcp:127\\.0\\.0\\.1:\\d+-10\\.0\\.0\\.5:80\ndenali: net: gateway frames in \\d+ .*"), r.err());
    }
}
