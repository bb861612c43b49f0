package io.denalij.net;

/** Ethernet addresses as 48-bit {@code long}s (no allocation per frame). */
public final class Mac {
    private Mac() {}

    public static long read(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 6; i++) v = (v << 8) | (b[off + i] & 0xFF);
        return v;
    }

    public static void write(long mac, byte[] b, int off) {
        for (int i = 5; i >= 0; i--) {
            b[off + i] = (byte) mac;
            mac >>>= 8;
        }
    }

    /** The group bit (least significant bit of the first octet): broadcast and multicast. */
    public static boolean isGroup(long mac) {
        return ((mac >>> 40) & 1) != 0;
    }

    public static String format(long mac) {
        StringBuilder s = new StringBuilder(17);
        for (int i = 5; i >= 0; i--) {
            s.append(String.format("%02x", (mac >>> (8 * i)) & 0xFF));
            if (i > 0) s.append(':');
        }
        return s.toString();
    }
}
