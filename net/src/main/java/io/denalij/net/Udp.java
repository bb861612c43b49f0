package io.denalij.net;

/** UDP datagrams (RFC 768). */
public final class Udp {
    public static final int HEADER = 8;

    private Udp() {}

    /** One parsed datagram; {@code data}/{@code dataLen} locate the payload in the frame. */
    public record Datagram(int srcIp, int dstIp, int srcPort, int dstPort, int data, int dataLen) {}

    /** The datagram in {@code p}, or null when its length field or checksum is wrong. */
    public static Datagram parse(byte[] f, Ipv4Packet p) {
        int o = p.payload();
        if (p.payloadLen() < HEADER) return null;
        int len = Tcp.u16(f, o + 4);
        if (len < HEADER || len > p.payloadLen() || len != p.payloadLen() || !p.layer4ChecksumOk(f)) return null;
        return new Datagram(p.source(), p.destination(), Tcp.u16(f, o), Tcp.u16(f, o + 2), o + HEADER, len - HEADER);
    }

    public static byte[] build(long dstMac, long srcMac, int srcIp, int srcPort, int dstIp, int dstPort,
                               byte[] data, int off, int len, int ipId) {
        byte[] f = Ipv4Packet.frame(dstMac, srcMac, srcIp, dstIp, Ipv4Packet.UDP, HEADER + len, ipId);
        int o = Ethernet.HEADER + Ipv4Packet.HEADER;
        Tcp.put16(f, o, srcPort);
        Tcp.put16(f, o + 2, dstPort);
        Tcp.put16(f, o + 4, HEADER + len);
        System.arraycopy(data, off, f, o + HEADER, len);
        Ipv4Packet.fillLayer4Checksum(f, Ipv4Packet.UDP, srcIp, dstIp);
        return f;
    }

    /** Largest payload of one unfragmented datagram in a 1514-byte frame. */
    public static final int MAX_PAYLOAD = Ethernet.MAX_FRAME - Ethernet.HEADER - Ipv4Packet.HEADER - HEADER;
}
