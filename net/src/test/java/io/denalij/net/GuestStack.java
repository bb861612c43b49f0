package io.denalij.net;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A synthetic guest for gateway tests: a VM port with a small TCP (in-order receive, window-limited send
 * with go-back-N retransmission) and raw frame access. Driven by the test thread through {@link #process}.
 */
final class GuestStack {
    final int vmId;
    final long mac;
    final int ip;
    final TestPort port;
    final List<byte[]> otherFrames = new ArrayList<>();
    final Map<Integer, List<Conn>> accepted = new HashMap<>();
    private final Map<String, Conn> conns = new HashMap<>();
    private int nextPort = 40_000;
    private int ipId;
    int window = 65_535;

    final class Conn {
        final int localPort, remoteIp, remotePort;
        int iss = 1000, sndUna, sndNxt, rcvNxt, peerWindow = 1;
        boolean established, finReceived, reset, finQueued, finSent;
        int synAcks;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private byte[] out = new byte[0];
        long lastProgressMs = System.currentTimeMillis();
        /** Test hook: ignore the next data segments (simulated loss). */
        int dropData;

        Conn(int localPort, int remoteIp, int remotePort) {
            this.localPort = localPort;
            this.remoteIp = remoteIp;
            this.remotePort = remotePort;
        }

        void send(byte[] data) {
            byte[] n = new byte[out.length + data.length];
            System.arraycopy(out, 0, n, 0, out.length);
            System.arraycopy(data, 0, n, out.length, data.length);
            out = n;
            flush();
        }

        void close() {
            finQueued = true;
            flush();
        }

        void reset() {
            segment(this, sndNxt, 0, Tcp.RST, null, 0, 0);
            conns.remove(key(localPort, remoteIp, remotePort));
        }

        boolean allAcked() { return out.length == 0 && (!finQueued || (finSent && sndUna == sndNxt)); }

        String text() { return received.toString(java.nio.charset.StandardCharsets.ISO_8859_1); }

        private void flush() {
            if (!established) return;
            int inFlight = sndNxt - sndUna;
            while (inFlight < out.length && inFlight < peerWindow) {
                int n = Math.min(Math.min(out.length - inFlight, peerWindow - inFlight), 1460);
                segment(this, sndNxt, rcvNxt, Tcp.ACK | Tcp.PSH, out, inFlight, n);
                sndNxt += n;
                inFlight += n;
            }
            if (finQueued && !finSent && inFlight == out.length) {
                segment(this, sndNxt, rcvNxt, Tcp.ACK | Tcp.FIN, null, 0, 0);
                sndNxt++;
                finSent = true;
            }
        }

        private void acked(int ack) {
            int n = ack - sndUna;
            if (n <= 0 || n > sndNxt - sndUna) return;
            int data = Math.min(n, out.length);
            out = java.util.Arrays.copyOfRange(out, data, out.length);
            sndUna = ack;
            lastProgressMs = System.currentTimeMillis();
        }

        void retransmitIfStuck() {
            if (sndNxt != sndUna && System.currentTimeMillis() - lastProgressMs > 400) {
                sndNxt = sndUna;
                if (finSent && out.length == 0) finSent = false;
                else if (finSent) finSent = false;
                lastProgressMs = System.currentTimeMillis();
                flush();
            }
        }
    }

    GuestStack(EthernetSwitch sw, int vmId) {
        this.vmId = vmId;
        this.mac = AddressPlan.macOf(vmId);
        this.ip = AddressPlan.ipOf(vmId);
        this.port = new TestPort("vm" + vmId, 1_000_000);
        port.attachment = sw.attachVm(vmId, port);
    }

    Conn connect(int remoteIp, int remotePort) {
        Conn c = new Conn(nextPort++, remoteIp, remotePort);
        if (nextPort > 65_000) nextPort = 40_000;
        conns.put(key(c.localPort, remoteIp, remotePort), c);
        c.sndUna = c.iss;
        c.sndNxt = c.iss + 1;
        segmentMss(c, c.iss, 0, Tcp.SYN);
        return c;
    }

    /** Sends a bare SYN and forgets it: a half-open connection from the gateway's point of view. */
    void synOnly(int remoteIp, int remotePort) {
        Conn c = new Conn(nextPort++, remoteIp, remotePort);
        segmentMss(c, c.iss, 0, Tcp.SYN);
    }

    void listen(int port) {
        accepted.putIfAbsent(port, new ArrayList<>());
    }

    void sendRaw(byte[] frame) {
        port.send(frame);
    }

    /** Handles every frame that arrived; returns how many. */
    int process() {
        int n = 0;
        for (byte[] f; (f = port.received.poll()) != null; n++) handle(f);
        for (Conn c : new ArrayList<>(conns.values())) c.retransmitIfStuck();
        return n;
    }

    Conn conn(int localPort, int remoteIp, int remotePort) {
        return conns.get(key(localPort, remoteIp, remotePort));
    }

    int openConnections() { return conns.size(); }

    private void handle(byte[] f) {
        Ipv4Packet p = Ipv4Packet.parse(f);
        Tcp.Segment s = p != null && p.protocol() == Ipv4Packet.TCP ? Tcp.parse(f, p) : null;
        if (s == null) {
            otherFrames.add(f);
            return;
        }
        Conn c = conns.get(key(s.dstPort(), s.srcIp(), s.srcPort()));
        if (c == null) {
            List<Conn> l = accepted.get(s.dstPort());
            if (l != null && s.has(Tcp.SYN) && !s.has(Tcp.ACK)) {
                c = new Conn(s.dstPort(), s.srcIp(), s.srcPort());
                c.rcvNxt = s.seq() + 1;
                c.sndUna = c.iss;
                c.sndNxt = c.iss + 1;
                conns.put(key(c.localPort, c.remoteIp, c.remotePort), c);
                l.add(c);
                segmentMss(c, c.iss, c.rcvNxt, Tcp.SYN | Tcp.ACK);
            } else {
                otherFrames.add(f);
            }
            return;
        }
        if (s.has(Tcp.RST)) {
            c.reset = true;
            conns.remove(key(c.localPort, c.remoteIp, c.remotePort));
            return;
        }
        if (s.has(Tcp.SYN)) {
            c.synAcks++;
            if (!c.established) {
                c.rcvNxt = s.seq() + 1;
                if (s.has(Tcp.ACK) && s.ack() == c.iss + 1) {
                    c.sndUna = c.iss + 1;
                    c.established = true;
                    c.peerWindow = s.window();
                    segment(c, c.sndNxt, c.rcvNxt, Tcp.ACK, null, 0, 0);
                }
            } else {
                segment(c, c.sndNxt, c.rcvNxt, Tcp.ACK, null, 0, 0);
            }
            return;
        }
        if (!c.established && s.has(Tcp.ACK) && s.ack() == c.iss + 1) { // our SYN-ACK was answered
            c.sndUna = c.iss + 1;
            c.established = true;
        }
        if (s.has(Tcp.ACK)) {
            c.acked(s.ack());
            c.peerWindow = s.window();
        }
        boolean ack = false;
        if (s.dataLen() > 0) {
            if (c.dropData > 0) {
                c.dropData--;
                return;
            }
            if (s.seq() == c.rcvNxt && c.received.size() + s.dataLen() <= Integer.MAX_VALUE) {
                c.received.write(f, s.data(), s.dataLen());
                c.rcvNxt += s.dataLen();
            }
            ack = true;
        }
        if (s.has(Tcp.FIN) && s.seq() + s.dataLen() == c.rcvNxt) {
            c.rcvNxt++;
            c.finReceived = true;
            ack = true;
        }
        if (ack) segment(c, c.sndNxt, c.rcvNxt, Tcp.ACK, null, 0, 0);
        c.flush();
        if (c.finReceived && c.finSent && c.sndUna == c.sndNxt) conns.remove(key(c.localPort, c.remoteIp, c.remotePort));
    }

    private void segmentMss(Conn c, int seq, int ack, int flags) {
        port.send(Tcp.build(AddressPlan.GATEWAY_MAC, mac, ip, c.localPort, c.remoteIp, c.remotePort, seq, ack,
                flags, window, null, 0, 0, 1460, ipId++));
    }

    private void segment(Conn c, int seq, int ack, int flags, byte[] data, int off, int len) {
        port.send(Tcp.build(AddressPlan.GATEWAY_MAC, mac, ip, c.localPort, c.remoteIp, c.remotePort, seq, ack,
                flags, window, data, off, len, 0, ipId++));
    }

    private static String key(int localPort, int remoteIp, int remotePort) {
        return localPort + "/" + remoteIp + "/" + remotePort;
    }
}
