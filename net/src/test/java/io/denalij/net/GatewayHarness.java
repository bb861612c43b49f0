package io.denalij.net;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.function.BooleanSupplier;

/** A switch, a user-mode gateway on it and one synthetic guest, pumped by the test thread. */
final class GatewayHarness implements AutoCloseable {
    final EthernetSwitch sw = new EthernetSwitch();
    final UserModeGateway gateway;
    final GuestStack guest;

    GatewayHarness(GatewayConfig config, int vmId) throws IOException {
        gateway = new UserModeGateway(config);
        gateway.attachTo(sw);
        guest = new GuestStack(sw, vmId);
    }

    /** Pumps the switch and runs the guest until {@code done}, failing after {@code timeoutMs}. */
    void until(String what, long timeoutMs, BooleanSupplier done) {
        long end = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            int moved = sw.pumpUntilIdle(1000);
            moved += guest.process();
            if (done.getAsBoolean()) return;
            if (System.nanoTime() > end) fail("timed out after " + timeoutMs + " ms waiting for " + what);
            if (moved == 0) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    fail("interrupted");
                }
            }
        }
    }

    /** Pumps for a while without a condition (to show that something does not happen). */
    void runFor(long ms) {
        long end = System.nanoTime() + ms * 1_000_000;
        while (System.nanoTime() < end) {
            if (sw.pumpUntilIdle(1000) + guest.process() == 0) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        gateway.close();
    }
}
