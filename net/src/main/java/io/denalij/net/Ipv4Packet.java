package io.denalij.net;

/**
 * The IPv4 header of a frame, checked: version 4, a header length of 20 to 60 bytes, a total length
 * inside the frame, a correct header checksum, and no fragmentation (the gateway does not reassemble).
 *
 * @param payload    offset of the layer-4 header in the frame
 * @param payloadLen bytes of layer-4 data (total length minus the IP header)
 */
public record Ipv4Packet(int source, int destination, int protocol, int payload, int payloadLen) {
    public static final int ICMP = 1, TCP = 6, UDP = 17;
    public static final int HEADER = 20;
    private static final int P = Ethernet.HEADER;

    /** The packet in an IPv4 frame, or null when the header is malformed or the packet is a fragment. */
    public static Ipv4Packet parse(byte[] f) {
        if (f.length < P + HEADER || Ethernet.type(f) != Ethernet.TYPE_IPV4) return null;
        int vihl = f[P] & 0xFF;
        int ihl = (vihl & 0x0F) * 4;
        int total = ((f[P + 2] & 0xFF) << 8) | (f[P + 3] & 0xFF);
        if ((vihl >>> 4) != 4 || ihl < HEADER || total < ihl || P + total > f.length) return null;
        if (Ipv4.checksum(f, P, ihl) != 0) return null;
        int fragment = ((f[P + 6] & 0xFF) << 8) | (f[P + 7] & 0xFF);
        if ((fragment & 0x3FFF) != 0) return null; // MF set or a non-zero offset
        return new Ipv4Packet(Ipv4.read(f, P + 12), Ipv4.read(f, P + 16), f[P + 9] & 0xFF, P + ihl, total - ihl);
    }

    /**
     * A frame holding an IPv4 header (no options, DF set, TTL 64, checksum filled in) followed by
     * {@code payloadLen} zero bytes for the caller to fill.
     */
    public static byte[] frame(long dstMac, long srcMac, int src, int dst, int protocol, int payloadLen, int id) {
        byte[] f = Ethernet.frame(dstMac, srcMac, Ethernet.TYPE_IPV4, HEADER + payloadLen);
        int total = HEADER + payloadLen;
        f[P] = 0x45;
        f[P + 2] = (byte) (total >>> 8);
        f[P + 3] = (byte) total;
        f[P + 4] = (byte) (id >>> 8);
        f[P + 5] = (byte) id;
        f[P + 6] = 0x40;
        f[P + 8] = 64;
        f[P + 9] = (byte) protocol;
        Ipv4.write(src, f, P + 12);
        Ipv4.write(dst, f, P + 16);
        int sum = Ipv4.checksum(f, P, HEADER);
        f[P + 10] = (byte) (sum >>> 8);
        f[P + 11] = (byte) sum;
        return f;
    }

    /** True when the TCP or UDP checksum over the pseudo-header and payload is right (UDP 0 = none). */
    public boolean layer4ChecksumOk(byte[] f) {
        if (protocol == UDP && payloadLen >= 8 && f[payload + 6] == 0 && f[payload + 7] == 0) return true;
        long acc = Ipv4.pseudoHeaderSum(source, destination, protocol, payloadLen);
        return Ipv4.fold(Ipv4.sum(f, payload, payloadLen, acc)) == 0;
    }

    /** Fills in the TCP (offset 16) or UDP (offset 6) checksum of a frame built by {@link #frame}. */
    static void fillLayer4Checksum(byte[] f, int protocol, int src, int dst) {
        int off = P + HEADER, len = f.length - off;
        int at = off + (protocol == TCP ? 16 : 6);
        f[at] = 0;
        f[at + 1] = 0;
        int sum = Ipv4.fold(Ipv4.sum(f, off, len, Ipv4.pseudoHeaderSum(src, dst, protocol, len)));
        if (protocol == UDP && sum == 0) sum = 0xFFFF;
        f[at] = (byte) (sum >>> 8);
        f[at + 1] = (byte) sum;
    }
}
