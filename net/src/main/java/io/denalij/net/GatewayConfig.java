package io.denalij.net;

import java.util.List;

/**
 * Limits and behaviour of a {@link UserModeGateway}. Every table and buffer is bounded by these.
 *
 * @param maxTcpConnections  TCP connections (NAT and forwarded) at once; more are refused with RST / closed
 * @param maxUdpFlows        UDP flows at once
 * @param bufferBytes        per connection and direction (also the window offered to the guest; at most 65535)
 * @param queueFrames        frames waiting in each direction between the switch and the gateway thread
 * @param handshakeTimeoutMs a connection not established within this is dropped (half-open cleanup)
 * @param idleTimeoutMs      an established TCP connection with no traffic for this long is reset
 * @param closeTimeoutMs     a connection closing in one direction only is dropped after this
 * @param udpTimeoutMs       a UDP flow with no traffic for this long is closed
 * @param initialRtoMs       first retransmission timeout (doubles per retry)
 * @param maxRetransmits     retries of one segment before the connection is reset
 * @param allowOutbound      false: guests may reach only the host (10.0.0.1 = 127.0.0.1), not other addresses
 * @param forwards           host ports forwarded into VMs
 */
public record GatewayConfig(int maxTcpConnections, int maxUdpFlows, int bufferBytes, int queueFrames,
                            long handshakeTimeoutMs, long idleTimeoutMs, long closeTimeoutMs, long udpTimeoutMs,
                            long initialRtoMs, int maxRetransmits, boolean allowOutbound, List<HostForward> forwards) {
    public GatewayConfig {
        if (maxTcpConnections < 1 || maxUdpFlows < 1) throw new IllegalArgumentException("tables need room");
        if (bufferBytes < Tcp.MAX_MSS || bufferBytes > 0xFFFF) throw new IllegalArgumentException("buffer " + bufferBytes + " outside 1460..65535");
        if (queueFrames < 16) throw new IllegalArgumentException("queue of " + queueFrames + " frames");
        forwards = List.copyOf(forwards);
    }

    public static GatewayConfig defaults() {
        return new GatewayConfig(16_384, 4_096, 32 * 1024, 8_192, 20_000, 7_200_000, 60_000, 60_000, 200, 8,
                true, List.of());
    }

    public GatewayConfig withForwards(List<HostForward> f) {
        return new GatewayConfig(maxTcpConnections, maxUdpFlows, bufferBytes, queueFrames, handshakeTimeoutMs,
                idleTimeoutMs, closeTimeoutMs, udpTimeoutMs, initialRtoMs, maxRetransmits, allowOutbound, f);
    }

    public GatewayConfig withTimeouts(long handshakeMs, long idleMs, long closeMs, long udpMs) {
        return new GatewayConfig(maxTcpConnections, maxUdpFlows, bufferBytes, queueFrames, handshakeMs, idleMs,
                closeMs, udpMs, initialRtoMs, maxRetransmits, allowOutbound, forwards);
    }

    public GatewayConfig withLimits(int tcp, int udp, int buffer) {
        return new GatewayConfig(tcp, udp, buffer, queueFrames, handshakeTimeoutMs, idleTimeoutMs, closeTimeoutMs,
                udpTimeoutMs, initialRtoMs, maxRetransmits, allowOutbound, forwards);
    }

    public GatewayConfig withOutbound(boolean allow) {
        return new GatewayConfig(maxTcpConnections, maxUdpFlows, bufferBytes, queueFrames, handshakeTimeoutMs,
                idleTimeoutMs, closeTimeoutMs, udpTimeoutMs, initialRtoMs, maxRetransmits, allow, forwards);
    }
}
