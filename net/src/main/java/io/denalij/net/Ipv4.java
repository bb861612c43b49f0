package io.denalij.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** IPv4 addresses as {@code int}s and the Internet checksum. */
public final class Ipv4 {
    private Ipv4() {}

    public static int read(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    public static void write(int ip, byte[] b, int off) {
        b[off] = (byte) (ip >>> 24);
        b[off + 1] = (byte) (ip >>> 16);
        b[off + 2] = (byte) (ip >>> 8);
        b[off + 3] = (byte) ip;
    }

    public static int parse(String dotted) {
        String[] p = dotted.split("\\.", -1);
        if (p.length != 4) throw new IllegalArgumentException("not an IPv4 address: " + dotted);
        int v = 0;
        for (String s : p) {
            int n;
            try {
                n = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            }
            if (n < 0 || n > 255 || s.isEmpty()) throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            v = (v << 8) | n;
        }
        return v;
    }

    public static String format(int ip) {
        return (ip >>> 24) + "." + ((ip >>> 16) & 0xFF) + "." + ((ip >>> 8) & 0xFF) + "." + (ip & 0xFF);
    }

    public static InetAddress toInet(int ip) {
        byte[] b = new byte[4];
        write(ip, b, 0);
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // four bytes are always a valid address
        }
    }

    public static int fromInet(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length != 4) throw new IllegalArgumentException("not an IPv4 address: " + a);
        return read(b, 0);
    }

    /** One's-complement sum of 16-bit words, not yet folded or inverted, so pseudo-headers can be added. */
    public static long sum(byte[] b, int off, int len, long acc) {
        int i = 0;
        for (; i + 1 < len; i += 2) acc += ((b[off + i] & 0xFF) << 8) | (b[off + i + 1] & 0xFF);
        if (i < len) acc += (b[off + i] & 0xFF) << 8;
        return acc;
    }

    public static int fold(long acc) {
        while ((acc >>> 16) != 0) acc = (acc & 0xFFFF) + (acc >>> 16);
        return (int) (~acc & 0xFFFF);
    }

    public static int checksum(byte[] b, int off, int len) {
        return fold(sum(b, off, len, 0));
    }

    /** Sum of the TCP/UDP pseudo-header. */
    public static long pseudoHeaderSum(int src, int dst, int protocol, int length) {
        return (src >>> 16) + (src & 0xFFFF) + (dst >>> 16) + (dst & 0xFFFF) + protocol + length;
    }
}
