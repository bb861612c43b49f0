package io.denalij.net;

/** Ethernet II framing: the header fields every part of the network reads, and the validity rules. */
public final class Ethernet {
    public static final int HEADER = 14;
    public static final int MIN_FRAME = 14;
    /** 1500 bytes of payload; no VLAN tags, no frame check sequence (the NIC carries neither). */
    public static final int MAX_FRAME = 1514;
    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_ARP = 0x0806;
    /** Type/length values up to this are IEEE 802.3 lengths; from 0x0600 they are EtherTypes. */
    static final int MAX_LENGTH_FIELD = 1500;
    static final int MIN_ETHERTYPE = 0x0600;

    private Ethernet() {}

    /** Why a frame is not forwarded, or {@code null} when it is well formed. */
    public static String malformed(byte[] frame) {
        if (frame == null) return "null frame";
        if (frame.length < MIN_FRAME) return "shorter than 14 bytes";
        if (frame.length > MAX_FRAME) return "longer than 1514 bytes";
        int typeOrLength = type(frame);
        if (typeOrLength <= MAX_LENGTH_FIELD) {
            if (typeOrLength > frame.length - HEADER) return "802.3 length beyond the frame";
        } else if (typeOrLength < MIN_ETHERTYPE) {
            return "type/length field between 1501 and 1535";
        }
        if (Mac.isGroup(source(frame))) return "group source address";
        return null;
    }

    public static long destination(byte[] frame) { return Mac.read(frame, 0); }

    public static long source(byte[] frame) { return Mac.read(frame, 6); }

    public static int type(byte[] frame) { return ((frame[12] & 0xFF) << 8) | (frame[13] & 0xFF); }

    /** A new frame with the header filled in and {@code payloadLength} zero bytes after it. */
    public static byte[] frame(long destination, long source, int type, int payloadLength) {
        byte[] f = new byte[HEADER + payloadLength];
        Mac.write(destination, f, 0);
        Mac.write(source, f, 6);
        f[12] = (byte) (type >>> 8);
        f[13] = (byte) type;
        return f;
    }
}
