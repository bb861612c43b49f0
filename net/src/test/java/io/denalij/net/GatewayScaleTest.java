package io.denalij.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ten thousand simultaneous connections through the gateway, then abandoned in every way a guest can
 * abandon them; the gateway's file descriptors must come back to where they started.
 */
@Timeout(180)
class GatewayScaleTest {
    private static final int CONNECTIONS = 10_000, HALF_OPEN = 2_000, BATCH = 1_000;

    @Test
    void tenThousandConnectionsComeAndGoWithoutLeakingDescriptors() throws Exception {
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LoopbackSinkServer.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            int port = Integer.parseInt(new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine().trim());
            long beforeGateway = OpenFiles.count(), started, gatewayOwn;
            GatewayConfig config = GatewayConfig.defaults().withOutbound(false).withTimeouts(2_000, 4_000, 2_000, 1_000);
            try (GatewayHarness h = new GatewayHarness(config, 3)) {
                gatewayOwn = OpenFiles.count() - beforeGateway; // its selector
                // Warm-up: the first connections make the JDK open descriptors it keeps for good (the
                // count below rises by one unix socket without this); they are not the gateway's.
                GuestStack.Conn w1 = h.guest.connect(AddressPlan.GATEWAY_IP, port), w2 = h.guest.connect(AddressPlan.GATEWAY_IP, port);
                h.until("warm-up", 10_000, () -> w1.established && w2.established);
                w1.reset();
                w2.close();
                h.until("warm-up over", 10_000, () -> h.gateway.tcpConnections() == 0);
                started = OpenFiles.count();
                String startedKinds = OpenFiles.describe();
                List<GuestStack.Conn> conns = new ArrayList<>();
                for (int b = 0; b < CONNECTIONS / BATCH; b++) {
                    List<GuestStack.Conn> batch = new ArrayList<>();
                    for (int i = 0; i < BATCH; i++) batch.add(h.guest.connect(AddressPlan.GATEWAY_IP, port));
                    h.until("batch " + b + " established", 30_000, () -> batch.stream().allMatch(c -> c.established));
                    conns.addAll(batch);
                }
                h.until("all flows", 10_000, () -> h.gateway.tcpConnections() == CONNECTIONS);
                long open = OpenFiles.count();
                assertTrue(open >= started + CONNECTIONS, "one host socket per connection: " + (open - started));

                // Paced in batches, each drained before the next: a burst beyond the gateway's queue would
                // be dropped (and counted), and on a loaded machine no fixed pause is long enough.
                for (int i = 0; i < HALF_OPEN; i++) {
                    h.guest.synOnly(AddressPlan.GATEWAY_IP, port);
                    if (i % BATCH == BATCH - 1) h.until("gateway caught up", 60_000, () -> h.gateway.pendingFrames() == 0);
                }
                // A third reset by the guest, a third closed properly, a third simply forgotten.
                for (int i = 0; i < CONNECTIONS; i++) {
                    GuestStack.Conn c = conns.get(i);
                    switch (i % 3) {
                        case 0 -> c.reset();
                        case 1 -> c.close();
                        default -> { }
                    }
                    if (i % BATCH == BATCH - 1) h.until("gateway caught up", 60_000, () -> h.gateway.pendingFrames() == 0);
                }
                h.until("every flow gone", 60_000, () -> h.gateway.tcpConnections() == 0);
                try {
                    h.until("descriptors back", 5_000, () -> OpenFiles.count() <= started);
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + ": " + (OpenFiles.count() - started) + " extra; " + OpenFiles.describe() + " at start " + startedKinds + "\nSS " + new String(new ProcessBuilder("sh", "-c", "ss -anp | grep pid=" + ProcessHandle.current().pid() + ",").start().getInputStream().readAllBytes()), e);
                }
                assertEquals(started, OpenFiles.count());
                GatewayStats s = h.gateway.stats();
                assertTrue(s.timeouts() >= HALF_OPEN + CONNECTIONS / 3, "half-open and forgotten flows timed out: " + s);
                assertTrue(s.resets() >= s.timeouts(), "each timeout reset the guest side: " + s);
                assertEquals(0, s.receiveDrops(), s.toString());
            }
            assertEquals(started - gatewayOwn, OpenFiles.count(), "a closed gateway holds no descriptors");
        } finally {
            server.getOutputStream().close();
            server.destroy();
            server.waitFor();
        }
    }
}
