package io.denalij.net;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A port forward from the host into a VM, as QEMU writes it: {@code tcp:8080-10.0.0.5:80} or
 * {@code udp:127.0.0.1:5353-10.0.0.5:53}. The host address defaults to 127.0.0.1 (only local clients;
 * name 0.0.0.0 to accept from the network). Host port 0 picks a free port (see
 * {@link UserModeGateway#boundPort}).
 */
public record HostForward(Protocol protocol, String hostAddress, int hostPort, int guestIp, int guestPort) {
    public enum Protocol { TCP, UDP }

    private static final Pattern SYNTAX =
            Pattern.compile("(tcp|udp):(?:([0-9.]+):)?(\\d{1,5})-([0-9.]+):(\\d{1,5})");

    public HostForward {
        if (hostPort < 0 || hostPort > 65535) throw new IllegalArgumentException("host port " + hostPort);
        if (guestPort < 1 || guestPort > 65535) throw new IllegalArgumentException("guest port " + guestPort);
        if (!AddressPlan.inNetwork(guestIp) || AddressPlan.vmIdOfIp(guestIp) < 0) {
            throw new IllegalArgumentException("guest address " + Ipv4.format(guestIp) + " is not a VM address in 10.0.0.0/8");
        }
    }

    public static HostForward parse(String spec) {
        Matcher m = SYNTAX.matcher(spec);
        if (!m.matches()) {
            throw new IllegalArgumentException("--hostfwd " + spec + ": expected tcp:[HOSTADDR:]HOSTPORT-GUESTIP:GUESTPORT (or udp:)");
        }
        return new HostForward(m.group(1).equals("tcp") ? Protocol.TCP : Protocol.UDP,
                m.group(2) == null ? "127.0.0.1" : m.group(2), Integer.parseInt(m.group(3)),
                Ipv4.parse(m.group(4)), Integer.parseInt(m.group(5)));
    }

    @Override
    public String toString() {
        return protocol.name().toLowerCase() + ":" + hostAddress + ":" + hostPort + "-" + Ipv4.format(guestIp) + ":" + guestPort;
    }
}
