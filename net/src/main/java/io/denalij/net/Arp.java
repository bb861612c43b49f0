package io.denalij.net;

/** ARP for IPv4 over Ethernet (RFC 826): parsing requests and building replies. */
public final class Arp {
    public static final int LENGTH = 28;
    public static final int REQUEST = 1, REPLY = 2;
    private static final int P = Ethernet.HEADER;

    private Arp() {}

    /** True when the frame holds an IPv4-over-Ethernet ARP packet of the given operation. */
    public static boolean is(byte[] f, int operation) {
        return f.length >= P + LENGTH && Ethernet.type(f) == Ethernet.TYPE_ARP
                && u16(f, P) == 1 && u16(f, P + 2) == Ethernet.TYPE_IPV4
                && f[P + 4] == 6 && f[P + 5] == 4 && u16(f, P + 6) == operation;
    }

    public static long senderMac(byte[] f) { return Mac.read(f, P + 8); }

    public static int senderIp(byte[] f) { return Ipv4.read(f, P + 14); }

    public static long targetMac(byte[] f) { return Mac.read(f, P + 18); }

    public static int targetIp(byte[] f) { return Ipv4.read(f, P + 24); }

    /** The reply to {@code request} saying that {@code ip} is at {@code mac}. */
    public static byte[] reply(byte[] request, long mac, int ip) {
        return packet(senderMac(request), mac, REPLY, mac, ip, senderMac(request), senderIp(request));
    }

    /** A broadcast request asking for {@code targetIp}. */
    public static byte[] request(long senderMac, int senderIp, int targetIp) {
        return packet(AddressPlan.BROADCAST_MAC, senderMac, REQUEST, senderMac, senderIp, 0, targetIp);
    }

    static byte[] packet(long ethDst, long ethSrc, int op, long sha, int spa, long tha, int tpa) {
        byte[] f = Ethernet.frame(ethDst, ethSrc, Ethernet.TYPE_ARP, LENGTH);
        f[P + 1] = 1;
        f[P + 2] = 0x08;
        f[P + 4] = 6;
        f[P + 5] = 4;
        f[P + 7] = (byte) op;
        Mac.write(sha, f, P + 8);
        Ipv4.write(spa, f, P + 14);
        Mac.write(tha, f, P + 18);
        Ipv4.write(tpa, f, P + 24);
        return f;
    }

    private static int u16(byte[] f, int off) { return ((f[off] & 0xFF) << 8) | (f[off + 1] & 0xFF); }
}
