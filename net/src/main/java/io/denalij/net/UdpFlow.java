package io.denalij.net;

import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;

/**
 * A UDP flow through the gateway. NAT: guest (ip, port) has its own host socket, so replies find their
 * way back. Forwarded: a host client of a forwarded port is given a gateway-side port {@code natPort}
 * on 10.0.0.1; what the guest sends there goes back to {@code client} through the forward's socket.
 */
final class UdpFlow {
    final int guestIp, guestPort;
    final long guestMac;
    final DatagramChannel channel;
    /** Forwarded flows only: the host client and the gateway-side port the guest answers to. */
    final InetSocketAddress client;
    final int natPort;
    long lastActivity;

    UdpFlow(int guestIp, int guestPort, long guestMac, DatagramChannel channel, InetSocketAddress client, int natPort,
            long now) {
        this.guestIp = guestIp;
        this.guestPort = guestPort;
        this.guestMac = guestMac;
        this.channel = channel;
        this.client = client;
        this.natPort = natPort;
        this.lastActivity = now;
    }

    boolean forwarded() { return client != null; }

    /** NAT flows are keyed by the guest's end. */
    static long natKey(int guestIp, int guestPort) {
        return (Integer.toUnsignedLong(guestIp) << 16) | guestPort;
    }
}
