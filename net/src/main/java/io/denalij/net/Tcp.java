package io.denalij.net;

/** TCP segments (RFC 793): parsing what guests send, building what the gateway sends. */
public final class Tcp {
    public static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;
    public static final int HEADER = 20;
    /** The largest segment payload in a 1514-byte frame. */
    public static final int MAX_MSS = Ethernet.MAX_FRAME - Ethernet.HEADER - Ipv4Packet.HEADER - HEADER;
    /** RFC 879's default when a SYN carries no MSS option. */
    public static final int DEFAULT_MSS = 536;

    private Tcp() {}

    /**
     * One parsed segment; {@code data}/{@code dataLen} locate the payload in the frame; {@code mss} is the
     * MSS option or 0.
     */
    public record Segment(int srcIp, int dstIp, int srcPort, int dstPort, int seq, int ack, int flags, int window,
                          int data, int dataLen, int mss) {
        public boolean has(int flag) { return (flags & flag) != 0; }

        /** Sequence space the segment occupies: data, plus one each for SYN and FIN. */
        public int length() { return dataLen + (has(SYN) ? 1 : 0) + (has(FIN) ? 1 : 0); }
    }

    /** The segment in {@code p}, or null when it is too short or its checksum is wrong. */
    public static Segment parse(byte[] f, Ipv4Packet p) {
        int o = p.payload();
        if (p.payloadLen() < HEADER || !p.layer4ChecksumOk(f)) return null;
        int offset = ((f[o + 12] & 0xFF) >>> 4) * 4;
        if (offset < HEADER || offset > p.payloadLen()) return null;
        int mss = 0;
        for (int i = o + HEADER; i < o + offset; ) {
            int kind = f[i] & 0xFF;
            if (kind == 0) break;
            if (kind == 1) { i++; continue; }
            if (i + 1 >= o + offset) break;
            int len = f[i + 1] & 0xFF;
            if (len < 2 || i + len > o + offset) break;
            if (kind == 2 && len == 4) mss = u16(f, i + 2);
            i += len;
        }
        return new Segment(p.source(), p.destination(), u16(f, o), u16(f, o + 2), s32(f, o + 4), s32(f, o + 8),
                f[o + 13] & 0x3F, u16(f, o + 14), o + offset, p.payloadLen() - offset, mss);
    }

    /** A segment frame; {@code mss} > 0 adds the MSS option (for SYNs). */
    public static byte[] build(long dstMac, long srcMac, int srcIp, int srcPort, int dstIp, int dstPort, int seq,
                               int ack, int flags, int window, byte[] data, int off, int len, int mss, int ipId) {
        int header = HEADER + (mss > 0 ? 4 : 0);
        byte[] f = Ipv4Packet.frame(dstMac, srcMac, srcIp, dstIp, Ipv4Packet.TCP, header + len, ipId);
        int o = Ethernet.HEADER + Ipv4Packet.HEADER;
        put16(f, o, srcPort);
        put16(f, o + 2, dstPort);
        put32(f, o + 4, seq);
        put32(f, o + 8, ack);
        f[o + 12] = (byte) ((header / 4) << 4);
        f[o + 13] = (byte) flags;
        put16(f, o + 14, Math.min(window, 0xFFFF));
        if (mss > 0) {
            f[o + 20] = 2;
            f[o + 21] = 4;
            put16(f, o + 22, mss);
        }
        if (len > 0) System.arraycopy(data, off, f, o + header, len);
        Ipv4Packet.fillLayer4Checksum(f, Ipv4Packet.TCP, srcIp, dstIp);
        return f;
    }

    /** a < b in sequence space (RFC 1982 style, modulo 2^32). */
    public static boolean before(int a, int b) { return a - b < 0; }

    static int u16(byte[] f, int o) { return ((f[o] & 0xFF) << 8) | (f[o + 1] & 0xFF); }

    static int s32(byte[] f, int o) { return (u16(f, o) << 16) | u16(f, o + 2); }

    static void put16(byte[] f, int o, int v) {
        f[o] = (byte) (v >>> 8);
        f[o + 1] = (byte) v;
    }

    static void put32(byte[] f, int o, int v) {
        put16(f, o, v >>> 16);
        put16(f, o + 2, v);
    }
}
