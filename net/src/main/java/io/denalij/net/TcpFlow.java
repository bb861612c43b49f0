package io.denalij.net;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One TCP connection through the gateway: the guest-side TCP endpoint (a small RFC 793 state machine
 * with sequence numbers, the guest's window, retransmission with exponential back-off, FIN and RST)
 * joined to a host {@link SocketChannel}. Lives on the gateway thread only.
 *
 * <p>Sequence space towards the guest: {@code toGuest} holds the bytes from {@code sndUna} on (sent but
 * unacknowledged, then unsent); after the host's end of stream a FIN follows the last byte. Retransmission
 * goes back to {@code sndUna} (go-back-N; the guest's window is small). Towards the host, bytes the guest
 * sent wait in {@code toHost}, whose free space is the window we advertise, so a slow host reader slows
 * the guest instead of growing a buffer.
 */
final class TcpFlow {
    enum State { CONNECTING, SYN_RCVD, SYN_SENT, ESTABLISHED, CLOSED }

    final FlowKey key;
    final long guestMac;
    final SocketChannel channel;
    private final UserModeGateway gw;
    SelectionKey selectionKey;
    State state;

    private final int iss;
    private int sndUna, sndNxt, sndMax, sndWnd, mss;
    private int rcvNxt;
    private final ByteRing toGuest, toHost;
    private boolean hostEof, finAcked, guestFin, hostOutputShut;
    private long rtoDeadline, rtoMs;
    private int retries;
    private long lastActivity, closingSince;
    private final long created;
    private int advertised;

    private TcpFlow(UserModeGateway gw, FlowKey key, long guestMac, SocketChannel channel, State state, int iss) {
        this.gw = gw;
        this.key = key;
        this.guestMac = guestMac;
        this.channel = channel;
        this.state = state;
        this.iss = iss;
        this.toGuest = new ByteRing(gw.config().bufferBytes());
        this.toHost = new ByteRing(gw.config().bufferBytes());
        this.rtoMs = gw.config().initialRtoMs();
        this.created = this.lastActivity = gw.nowMs();
        this.sndUna = this.sndNxt = this.sndMax = iss;
    }

    /** A guest's SYN towards {@code key.remote}: the host connect is under way; the SYN-ACK waits for it. */
    static TcpFlow outbound(UserModeGateway gw, FlowKey key, long guestMac, SocketChannel ch, Tcp.Segment syn, int iss) {
        TcpFlow f = new TcpFlow(gw, key, guestMac, ch, State.CONNECTING, iss);
        f.rcvNxt = syn.seq() + 1;
        f.sndWnd = syn.window();
        f.mss = syn.mss() > 0 ? Math.min(syn.mss(), Tcp.MAX_MSS) : Tcp.DEFAULT_MSS;
        return f;
    }

    /** A host client accepted on a forwarded port: the gateway opens the guest side with a SYN. */
    static TcpFlow forwarded(UserModeGateway gw, FlowKey key, long guestMac, SocketChannel ch, int iss) {
        TcpFlow f = new TcpFlow(gw, key, guestMac, ch, State.SYN_SENT, iss);
        f.mss = Tcp.DEFAULT_MSS;
        f.sendSyn();
        return f;
    }

    // ---- host side events ----

    void onConnected() {
        try {
            channel.finishConnect();
        } catch (IOException e) {
            gw.countRefused();
            emitControl(Tcp.RST | Tcp.ACK, 0); // refused: the guest sees a reset, as from a closed port
            close(false);
            return;
        }
        state = State.SYN_RCVD;
        sendSyn();
        updateInterest();
    }

    void onReadable() {
        try {
            int n = toGuest.readFrom(channel);
            if (n < 0) {
                hostEof = true;
                if (closingSince == 0) closingSince = gw.nowMs();
            } else if (n > 0) {
                lastActivity = gw.nowMs();
            }
        } catch (IOException e) {
            abort();
            return;
        }
        sendToGuest(false);
        updateInterest();
    }

    void onWritable() {
        flushToHost();
        updateInterest();
    }

    // ---- guest side ----

    void onSegment(byte[] f, Tcp.Segment s) {
        lastActivity = gw.nowMs();
        if (s.has(Tcp.RST)) {
            if (acceptableReset(s)) close(true);
            return;
        }
        switch (state) {
            case CONNECTING -> { } // a retransmitted SYN while the host connect runs: the SYN-ACK follows it
            case SYN_RCVD -> {
                if (s.has(Tcp.SYN)) {
                    sendSyn(); // our SYN-ACK was lost
                    return;
                }
                if (!s.has(Tcp.ACK) || s.ack() != iss + 1) return;
                establish(s.ack(), s.window());
                receive(f, s);
            }
            case SYN_SENT -> {
                if (!s.has(Tcp.SYN) || !s.has(Tcp.ACK) || s.ack() != iss + 1) return;
                rcvNxt = s.seq() + 1;
                if (s.mss() > 0) mss = Math.min(s.mss(), Tcp.MAX_MSS);
                establish(s.ack(), s.window());
                sendAck();
            }
            case ESTABLISHED -> {
                if (s.has(Tcp.SYN)) {
                    sendAck(); // a duplicate SYN-ACK: our ACK was lost
                    return;
                }
                if (s.has(Tcp.ACK)) acknowledge(s.ack(), s.window());
                if (state == State.ESTABLISHED) receive(f, s);
            }
            case CLOSED -> { }
        }
        if (state == State.ESTABLISHED) {
            sendToGuest(false);
            maybeFinish();
        }
        if (state != State.CLOSED) updateInterest();
    }

    private boolean acceptableReset(Tcp.Segment s) {
        return switch (state) {
            case SYN_SENT -> s.has(Tcp.ACK) && s.ack() == iss + 1;
            case CONNECTING, SYN_RCVD -> true;
            case ESTABLISHED -> !Tcp.before(s.seq(), rcvNxt) && Tcp.before(s.seq(), rcvNxt + Math.max(1, toHost.free()));
            case CLOSED -> false;
        };
    }

    private void establish(int ack, int window) {
        state = State.ESTABLISHED;
        sndUna = sndNxt = sndMax = ack;
        sndWnd = window;
        retries = 0;
        rtoMs = gw.config().initialRtoMs();
        rtoDeadline = 0;
    }

    private void acknowledge(int ack, int window) {
        if (Tcp.before(sndUna, ack) && !Tcp.before(sndMax, ack)) {
            int acked = ack - sndUna;
            int data = Math.min(acked, toGuest.size());
            toGuest.discard(data);
            if (acked > data) finAcked = true; // only the FIN follows the data
            sndUna = ack;
            if (Tcp.before(sndNxt, ack)) sndNxt = ack;
            retries = 0;
            rtoMs = gw.config().initialRtoMs();
            rtoDeadline = sndNxt != sndUna ? gw.nowMs() + rtoMs : 0;
        }
        if (!Tcp.before(ack, sndUna)) sndWnd = window;
    }

    private void receive(byte[] f, Tcp.Segment s) {
        int len = s.dataLen();
        boolean fin = s.has(Tcp.FIN);
        if (len == 0 && !fin) return;
        int skip = rcvNxt - s.seq(); // bytes of this segment we already have
        if (skip >= 0 && skip <= len && !guestFin) {
            int took = toHost.append(f, s.data() + skip, len - skip);
            rcvNxt += took;
            if (fin && skip + took == len) {
                guestFin = true;
                rcvNxt++;
                if (closingSince == 0) closingSince = gw.nowMs();
            }
            flushToHost();
        }
        sendAck(); // also the duplicate ACK that tells the guest where we are after loss or reordering
    }

    private void flushToHost() {
        try {
            toHost.writeTo(channel);
            if (toHost.isEmpty() && guestFin && !hostOutputShut) {
                channel.shutdownOutput();
                hostOutputShut = true;
            }
        } catch (IOException e) {
            abort();
            return;
        }
        // The window was nearly shut and is open again: tell the guest, which may be waiting for it.
        if (state == State.ESTABLISHED && advertised < mss && toHost.free() >= mss) sendAck();
        maybeFinish();
    }

    /**
     * Sends what the window allows: new data from {@code toGuest}, then the FIN after the host's end of
     * stream. {@code probe} lets one byte through a zero window (the persist timer).
     */
    private void sendToGuest(boolean probe) {
        if (state != State.ESTABLISHED) return;
        while (true) {
            int inFlight = sndNxt - sndUna;
            int unsent = toGuest.size() - inFlight;
            if (unsent > 0) {
                int room = sndWnd - inFlight;
                if (room <= 0) {
                    if (probe && inFlight == 0) room = 1;
                    else {
                        armTimer();
                        return;
                    }
                }
                int n = Math.min(Math.min(unsent, room), mss);
                if (!gw.canEmit()) {
                    armTimer();
                    return;
                }
                byte[] data = new byte[n];
                toGuest.copy(inFlight, data, 0, n);
                emitData(sndNxt, data, unsent == n);
                sndNxt += n;
                if (Tcp.before(sndMax, sndNxt)) sndMax = sndNxt;
                armTimer();
                probe = false;
                continue;
            }
            if (hostEof && unsent == 0 && gw.canEmit()) { // everything sent, the FIN not yet
                emitControl(Tcp.FIN | Tcp.ACK, sndNxt);
                sndNxt++;
                if (Tcp.before(sndMax, sndNxt)) sndMax = sndNxt;
                armTimer();
            }
            return;
        }
    }

    private void armTimer() {
        if (rtoDeadline == 0) rtoDeadline = gw.nowMs() + rtoMs;
    }

    private void maybeFinish() {
        if (state == State.ESTABLISHED && finAcked && guestFin && toHost.isEmpty()) close(false);
    }

    /** Timers: retransmission, persist, and the half-open, idle and closing limits. */
    void onTick(long now) {
        GatewayConfig c = gw.config();
        if (state != State.ESTABLISHED && now - created >= c.handshakeTimeoutMs()) {
            gw.countTimeout();
            abort();
            return;
        }
        if (state == State.ESTABLISHED) {
            if (now - lastActivity >= c.idleTimeoutMs() || (closingSince != 0 && now - closingSince >= c.closeTimeoutMs())) {
                gw.countTimeout();
                abort();
                return;
            }
        }
        if (rtoDeadline == 0 || now < rtoDeadline) return;
        boolean persist = state == State.ESTABLISHED && sndWnd == 0 && sndNxt == sndUna;
        if (!persist && ++retries > c.maxRetransmits()) {
            gw.countTimeout();
            abort();
            return;
        }
        rtoMs = Math.min(rtoMs * 2, 60_000);
        rtoDeadline = now + rtoMs;
        gw.countRetransmit();
        switch (state) {
            case SYN_RCVD, SYN_SENT -> sendSyn();
            case ESTABLISHED -> {
                sndNxt = sndUna;
                rtoDeadline = 0;
                sendToGuest(true);
                if (rtoDeadline == 0) rtoDeadline = now + rtoMs;
                maybeFinish();
            }
            default -> { }
        }
    }

    // ---- segments to the guest ----

    private void sendSyn() {
        int flags = state == State.SYN_SENT ? Tcp.SYN : Tcp.SYN | Tcp.ACK;
        sndNxt = sndMax = iss + 1;
        gw.emit(Tcp.build(guestMac, AddressPlan.GATEWAY_MAC, key.remoteIp(), key.remotePort(), key.guestIp(),
                key.guestPort(), iss, rcvNxt, flags, window(), null, 0, 0, Tcp.MAX_MSS, gw.nextIpId()));
        rtoDeadline = gw.nowMs() + rtoMs;
    }

    private void sendAck() {
        emitControl(Tcp.ACK, sndNxt);
    }

    private void emitData(int seq, byte[] data, boolean push) {
        gw.emit(Tcp.build(guestMac, AddressPlan.GATEWAY_MAC, key.remoteIp(), key.remotePort(), key.guestIp(),
                key.guestPort(), seq, rcvNxt, Tcp.ACK | (push ? Tcp.PSH : 0), window(), data, 0, data.length, 0,
                gw.nextIpId()));
    }

    private void emitControl(int flags, int seq) {
        gw.emit(Tcp.build(guestMac, AddressPlan.GATEWAY_MAC, key.remoteIp(), key.remotePort(), key.guestIp(),
                key.guestPort(), seq, rcvNxt, flags, window(), null, 0, 0, 0, gw.nextIpId()));
    }

    private int window() {
        advertised = toHost.free();
        return advertised;
    }

    // ---- teardown ----

    /** Ends the connection with a reset on both sides. */
    void abort() {
        if (state == State.CLOSED) return;
        gw.countReset();
        emitControl(Tcp.RST | Tcp.ACK, sndNxt);
        close(true);
    }

    /** Closes the host socket ({@code reset}: with RST, so the host peer sees the abort) and forgets the flow. */
    void close(boolean reset) {
        if (state == State.CLOSED) return;
        state = State.CLOSED;
        try {
            if (reset && channel.isOpen()) channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException | UnsupportedOperationException e) {
            // the socket is already unusable; closing it is all that is left
        }
        try {
            channel.close();
        } catch (IOException e) {
            // nothing more to release
        }
        gw.removed(this);
    }

    void updateInterest() {
        if (selectionKey == null || !selectionKey.isValid()) return;
        int ops = 0;
        if (state == State.CONNECTING) ops |= SelectionKey.OP_CONNECT;
        if (state == State.ESTABLISHED && !hostEof && toGuest.free() > 0) ops |= SelectionKey.OP_READ;
        if (!toHost.isEmpty()) ops |= SelectionKey.OP_WRITE;
        selectionKey.interestOps(ops);
    }
}
