package io.denalij.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jctools.queues.MpscArrayQueue;
import org.jctools.queues.SpscArrayQueue;

/**
 * User-mode networking in pure Java, like QEMU's {@code -netdev user}: a switch uplink with the
 * gateway's address (10.0.0.1, {@link AddressPlan#GATEWAY_MAC}) that answers ARP and ICMP echo for
 * itself, NATs the guests' TCP and UDP to host sockets, and forwards host ports into VMs.
 *
 * <p>Addresses: 10.0.0.1 stands for the host itself (127.0.0.1), as slirp's 10.0.2.2 does; other
 * destinations outside 10.0.0.0/8 are reached directly when {@link GatewayConfig#allowOutbound}.
 *
 * <p>Threads: one, the gateway thread, which owns every connection and runs a {@link Selector} over
 * all host sockets. Frames from the switch arrive through a bounded queue ({@link #offerReceive}, which
 * wakes the selector); frames for the switch leave through another ({@link #pollTransmit}), announced with
 * {@link SwitchAttachment#transmitReady}. Nothing blocks: a full queue drops the frame and counts it, and
 * TCP's retransmission recovers.
 */
public final class UserModeGateway implements SwitchPort, AutoCloseable {
    private static final long TICK_MS = 20;
    private static final int FORWARD_PORTS_FIRST = 49_152;

    private final GatewayConfig config;
    private final MpscArrayQueue<byte[]> incoming;
    private final SpscArrayQueue<byte[]> outgoing;
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final Selector selector;
    private final Thread thread;
    private volatile boolean running;
    private volatile SwitchAttachment attachment;

    // Owned by the gateway thread.
    private final Map<FlowKey, TcpFlow> tcp = new HashMap<>();
    private final Map<Long, UdpFlow> udpNat = new HashMap<>();
    private final Map<Integer, UdpFlow> udpForwarded = new HashMap<>();
    private final Map<String, UdpFlow> udpForwardedByClient = new HashMap<>();
    private final IdentityHashMap<Object, HostForward> listeners = new IdentityHashMap<>();
    private final Map<HostForward, Integer> boundPorts = new java.util.concurrent.ConcurrentHashMap<>();
    private final ByteBuffer datagram = ByteBuffer.allocate(65_536);
    private int ipId;
    private int nextForwardPort = FORWARD_PORTS_FIRST;
    private long now;

    private final AtomicInteger tcpCount = new AtomicInteger(), udpCount = new AtomicInteger();
    private final AtomicLong framesIn = new AtomicLong(), framesOut = new AtomicLong(), receiveDrops = new AtomicLong(),
            transmitDrops = new AtomicLong(), malformed = new AtomicLong(), unsupported = new AtomicLong(),
            refused = new AtomicLong(), resets = new AtomicLong(), timeouts = new AtomicLong(),
            retransmits = new AtomicLong(), tableFull = new AtomicLong();

    /** Binds the forwarded ports now (so a clash fails here, with the port named) and starts the gateway thread. */
    public UserModeGateway(GatewayConfig config) throws IOException {
        this.config = config;
        this.incoming = new MpscArrayQueue<>(config.queueFrames());
        this.outgoing = new SpscArrayQueue<>(config.queueFrames());
        this.selector = Selector.open();
        this.now = System.nanoTime() / 1_000_000;
        try {
            for (HostForward f : config.forwards()) bind(f);
        } catch (IOException e) {
            closeAll();
            throw e;
        }
        this.running = true;
        this.thread = Thread.ofPlatform().name("denali-net-gateway").daemon().unstarted(this::run);
        thread.start();
    }

    /** Plugs the gateway into a switch as an uplink. */
    public SwitchAttachment attachTo(EthernetSwitch sw) {
        attachment = sw.attachUplink(this);
        return attachment;
    }

    /** The host port a forward listens on (the real one when it asked for port 0). */
    public int boundPort(HostForward f) {
        Integer p = boundPorts.get(f);
        if (p == null) throw new IllegalArgumentException("no such forward: " + f);
        return p;
    }

    private void bind(HostForward f) throws IOException {
        InetSocketAddress at = new InetSocketAddress(InetAddress.getByName(f.hostAddress()), f.hostPort());
        try {
            if (f.protocol() == HostForward.Protocol.TCP) {
                ServerSocketChannel s = ServerSocketChannel.open();
                listeners.put(s, f);
                s.bind(at, 1024);
                s.configureBlocking(false);
                s.register(selector, SelectionKey.OP_ACCEPT, f);
                boundPorts.put(f, ((InetSocketAddress) s.getLocalAddress()).getPort());
            } else {
                DatagramChannel d = DatagramChannel.open();
                listeners.put(d, f);
                d.bind(at);
                d.configureBlocking(false);
                d.register(selector, SelectionKey.OP_READ, f);
                boundPorts.put(f, ((InetSocketAddress) d.getLocalAddress()).getPort());
            }
        } catch (IOException e) {
            throw new IOException("--hostfwd " + f + ": cannot listen on " + at + ": " + e.getMessage(), e);
        }
    }

    // ---- SwitchPort (the pump thread) ----

    @Override
    public byte[] pollTransmit() {
        byte[] f = outgoing.poll();
        if (f != null) framesOut.incrementAndGet();
        return f;
    }

    @Override
    public boolean offerReceive(byte[] frame) {
        if (!incoming.offer(frame)) {
            receiveDrops.incrementAndGet();
            return false;
        }
        if (wakeupPending.compareAndSet(false, true)) selector.wakeup();
        return true;
    }

    @Override
    public String name() { return "gateway"; }

    // ---- the gateway thread ----

    private void run() {
        long nextTick = 0;
        try {
            while (running) {
                selector.select(Math.max(1, nextTick - now));
                now = System.nanoTime() / 1_000_000;
                wakeupPending.set(false);
                for (int n = config.queueFrames(); n > 0; n--) {
                    byte[] f = incoming.poll();
                    if (f == null) break;
                    framesIn.incrementAndGet();
                    handleFrame(f);
                }
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    if (k.isValid()) handleKey(k);
                }
                if (now >= nextTick) {
                    tick();
                    nextTick = now + TICK_MS;
                }
                SwitchAttachment a = attachment;
                if (a != null && !outgoing.isEmpty()) a.transmitReady();
            }
        } catch (ClosedSelectorException e) {
            // closed under us by close(): done
        } catch (IOException | RuntimeException e) {
            System.err.println("denali: user-mode gateway stopped: " + e);
        } finally {
            closeAll();
        }
    }

    private void handleKey(SelectionKey k) {
        Object a = k.attachment();
        if (a instanceof TcpFlow flow) {
            if (k.isConnectable()) flow.onConnected();
            else {
                if (k.isValid() && k.isWritable()) flow.onWritable();
                if (k.isValid() && k.isReadable()) flow.onReadable();
            }
        } else if (a instanceof UdpFlow flow) {
            receiveNatDatagrams(flow);
        } else if (a instanceof HostForward f) {
            if (f.protocol() == HostForward.Protocol.TCP) acceptForwarded((ServerSocketChannel) k.channel(), f);
            else receiveForwardedDatagrams((DatagramChannel) k.channel(), f);
        }
    }

    private void tick() {
        for (TcpFlow f : new ArrayList<>(tcp.values())) f.onTick(now);
        expireUdp(udpNat.values());
        expireUdp(udpForwarded.values());
    }

    private void expireUdp(java.util.Collection<UdpFlow> flows) {
        List<UdpFlow> old = new ArrayList<>();
        for (UdpFlow u : flows) if (now - u.lastActivity >= config.udpTimeoutMs()) old.add(u);
        for (UdpFlow u : old) removeUdp(u);
    }

    // ---- frames from the switch ----

    private void handleFrame(byte[] f) {
        if (Ethernet.malformed(f) != null) {
            malformed.incrementAndGet();
            return;
        }
        long dst = Ethernet.destination(f);
        if (dst != AddressPlan.GATEWAY_MAC && dst != AddressPlan.BROADCAST_MAC) return; // a flood not for us
        int type = Ethernet.type(f);
        if (type == Ethernet.TYPE_ARP) {
            if (Arp.is(f, Arp.REQUEST) && Arp.targetIp(f) == AddressPlan.GATEWAY_IP) {
                emit(Arp.reply(f, AddressPlan.GATEWAY_MAC, AddressPlan.GATEWAY_IP));
            }
            return;
        }
        if (type != Ethernet.TYPE_IPV4 || dst != AddressPlan.GATEWAY_MAC) {
            unsupported.incrementAndGet();
            return;
        }
        Ipv4Packet p = Ipv4Packet.parse(f);
        if (p == null) {
            malformed.incrementAndGet();
            return;
        }
        switch (p.protocol()) {
            case Ipv4Packet.ICMP -> icmp(f, p);
            case Ipv4Packet.TCP -> {
                Tcp.Segment s = Tcp.parse(f, p);
                if (s == null) malformed.incrementAndGet();
                else tcpSegment(f, s);
            }
            case Ipv4Packet.UDP -> {
                Udp.Datagram d = Udp.parse(f, p);
                if (d == null) malformed.incrementAndGet();
                else udpDatagram(f, d);
            }
            default -> unsupported.incrementAndGet();
        }
    }

    /** Echo requests to 10.0.0.1 are answered; ICMP to elsewhere would need raw sockets and is not NATed. */
    private void icmp(byte[] f, Ipv4Packet p) {
        int o = p.payload();
        if (p.destination() != AddressPlan.GATEWAY_IP || p.payloadLen() < 8 || (f[o] & 0xFF) != 8 || f[o + 1] != 0) {
            unsupported.incrementAndGet();
            return;
        }
        if (Ipv4.checksum(f, o, p.payloadLen()) != 0) {
            malformed.incrementAndGet();
            return;
        }
        byte[] r = Ipv4Packet.frame(Ethernet.source(f), AddressPlan.GATEWAY_MAC, AddressPlan.GATEWAY_IP, p.source(),
                Ipv4Packet.ICMP, p.payloadLen(), nextIpId());
        int ro = Ethernet.HEADER + Ipv4Packet.HEADER;
        System.arraycopy(f, o, r, ro, p.payloadLen());
        r[ro] = 0; // echo reply
        r[ro + 2] = 0;
        r[ro + 3] = 0;
        int sum = Ipv4.checksum(r, ro, p.payloadLen());
        r[ro + 2] = (byte) (sum >>> 8);
        r[ro + 3] = (byte) sum;
        emit(r);
    }

    // ---- TCP ----

    private void tcpSegment(byte[] f, Tcp.Segment s) {
        FlowKey key = new FlowKey(s.srcIp(), s.srcPort(), s.dstIp(), s.dstPort());
        TcpFlow flow = tcp.get(key);
        if (flow != null) {
            flow.onSegment(f, s);
            return;
        }
        if (s.has(Tcp.RST)) return;
        if (!s.has(Tcp.SYN) || s.has(Tcp.ACK)) {
            resetUnknown(Ethernet.source(f), s);
            return;
        }
        InetAddress target = hostAddressFor(s.dstIp());
        if (target == null) {
            refused.incrementAndGet();
            resetUnknown(Ethernet.source(f), s);
            return;
        }
        if (tcp.size() >= config.maxTcpConnections()) {
            tableFull.incrementAndGet();
            resetUnknown(Ethernet.source(f), s);
            return;
        }
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open();
            ch.configureBlocking(false);
            boolean connected = ch.connect(new InetSocketAddress(target, s.dstPort()));
            flow = TcpFlow.outbound(this, key, Ethernet.source(f), ch, s, ThreadLocalRandom.current().nextInt());
            flow.selectionKey = ch.register(selector, SelectionKey.OP_CONNECT, flow);
            add(flow);
            if (connected) flow.onConnected();
        } catch (IOException | RuntimeException e) {
            refused.incrementAndGet();
            closeQuietly(ch);
            if (flow != null && tcp.get(key) == flow) flow.close(false);
            resetUnknown(Ethernet.source(f), s);
        }
    }

    private void acceptForwarded(ServerSocketChannel server, HostForward fwd) {
        for (int n = 0; n < 64; n++) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                return; // e.g. out of file descriptors: the client waits in the backlog
            }
            if (ch == null) return;
            FlowKey key = freeForwardKey(fwd.guestIp(), fwd.guestPort());
            if (tcp.size() >= config.maxTcpConnections() || key == null) {
                tableFull.incrementAndGet();
                closeQuietly(ch);
                continue;
            }
            try {
                ch.configureBlocking(false);
                TcpFlow flow = TcpFlow.forwarded(this, key, AddressPlan.macOf(AddressPlan.vmIdOfIp(fwd.guestIp())), ch,
                        ThreadLocalRandom.current().nextInt());
                flow.selectionKey = ch.register(selector, 0, flow);
                add(flow);
            } catch (IOException e) {
                closeQuietly(ch);
            }
        }
    }

    private FlowKey freeForwardKey(int guestIp, int guestPort) {
        for (int i = 0; i < 65_536 - FORWARD_PORTS_FIRST; i++) {
            int port = nextForwardPort;
            nextForwardPort = port == 65_535 ? FORWARD_PORTS_FIRST : port + 1;
            FlowKey k = new FlowKey(guestIp, guestPort, AddressPlan.GATEWAY_IP, port);
            if (!tcp.containsKey(k)) return k;
        }
        return null;
    }

    /** RFC 793's reply to a segment for no connection. */
    private void resetUnknown(long guestMac, Tcp.Segment s) {
        resets.incrementAndGet();
        boolean ack = s.has(Tcp.ACK);
        emit(Tcp.build(guestMac, AddressPlan.GATEWAY_MAC, s.dstIp(), s.dstPort(), s.srcIp(), s.srcPort(),
                ack ? s.ack() : 0, ack ? 0 : s.seq() + s.length(), ack ? Tcp.RST : Tcp.RST | Tcp.ACK, 0,
                null, 0, 0, 0, nextIpId()));
    }

    private void add(TcpFlow flow) {
        tcp.put(flow.key, flow);
        tcpCount.incrementAndGet();
    }


    void removed(TcpFlow flow) {
        if (tcp.remove(flow.key, flow)) tcpCount.decrementAndGet();
    }

    /** Where a guest's destination is on the host side, or null when the guest may not go there. */
    private InetAddress hostAddressFor(int ip) {
        if (ip == AddressPlan.GATEWAY_IP) return InetAddress.getLoopbackAddress();
        if (AddressPlan.inNetwork(ip) || !config.allowOutbound()) return null;
        if ((ip >>> 24) == 127 || (ip >>> 28) >= 0xE || ip == 0) return null; // loopback only via 10.0.0.1; no multicast
        return Ipv4.toInet(ip);
    }

    private int guestVisibleAddress(InetAddress a) {
        return a.isLoopbackAddress() ? AddressPlan.GATEWAY_IP : Ipv4.fromInet(a);
    }

    // ---- UDP ----

    private void udpDatagram(byte[] f, Udp.Datagram d) {
        ByteBuffer payload = ByteBuffer.wrap(f, d.data(), d.dataLen());
        if (d.dstIp() == AddressPlan.GATEWAY_IP) {
            UdpFlow back = udpForwarded.get(d.dstPort());
            if (back != null && back.guestIp == d.srcIp() && back.guestPort == d.srcPort()) {
                back.lastActivity = now;
                sendQuietly(back.channel, payload, back.client);
                return;
            }
        }
        InetAddress target = hostAddressFor(d.dstIp());
        if (target == null) {
            refused.incrementAndGet();
            return;
        }
        long key = UdpFlow.natKey(d.srcIp(), d.srcPort());
        UdpFlow flow = udpNat.get(key);
        if (flow == null) {
            if (udpCount.get() >= config.maxUdpFlows()) {
                tableFull.incrementAndGet();
                return;
            }
            DatagramChannel ch = null;
            try {
                ch = DatagramChannel.open();
                ch.configureBlocking(false);
                ch.bind(new InetSocketAddress(target.isLoopbackAddress() ? target : null, 0));
                flow = new UdpFlow(d.srcIp(), d.srcPort(), Ethernet.source(f), ch, null, 0, now);
                ch.register(selector, SelectionKey.OP_READ, flow);
            } catch (IOException e) {
                closeQuietly(ch);
                refused.incrementAndGet();
                return;
            }
            udpNat.put(key, flow);
            udpCount.incrementAndGet();
        }
        flow.lastActivity = now;
        sendQuietly(flow.channel, payload, new InetSocketAddress(target, d.dstPort()));
    }

    private void receiveNatDatagrams(UdpFlow flow) {
        for (int n = 0; n < 64; n++) {
            InetSocketAddress from = receive(flow.channel);
            if (from == null) return;
            flow.lastActivity = now;
            toGuestUdp(flow.guestMac, guestVisibleAddress(from.getAddress()), from.getPort(), flow.guestIp, flow.guestPort);
        }
    }

    private void receiveForwardedDatagrams(DatagramChannel listener, HostForward fwd) {
        for (int n = 0; n < 64; n++) {
            InetSocketAddress from = receive(listener);
            if (from == null) return;
            String clientKey = fwd + "|" + from;
            UdpFlow flow = udpForwardedByClient.get(clientKey);
            if (flow == null) {
                int port = freeUdpForwardPort();
                if (port < 0 || udpCount.get() >= config.maxUdpFlows()) {
                    tableFull.incrementAndGet();
                    continue;
                }
                flow = new UdpFlow(fwd.guestIp(), fwd.guestPort(), AddressPlan.macOf(AddressPlan.vmIdOfIp(fwd.guestIp())),
                        listener, from, port, now);
                udpForwarded.put(port, flow);
                udpForwardedByClient.put(clientKey, flow);
                udpCount.incrementAndGet();
            }
            flow.lastActivity = now;
            toGuestUdp(flow.guestMac, AddressPlan.GATEWAY_IP, flow.natPort, flow.guestIp, flow.guestPort);
        }
    }

    private int freeUdpForwardPort() {
        for (int i = 0; i < 65_536 - FORWARD_PORTS_FIRST; i++) {
            int port = nextForwardPort;
            nextForwardPort = port == 65_535 ? FORWARD_PORTS_FIRST : port + 1;
            if (!udpForwarded.containsKey(port)) return port;
        }
        return -1;
    }

    /** Receives one datagram into {@link #datagram}; null when none waits or it does not fit a frame. */
    private InetSocketAddress receive(DatagramChannel ch) {
        while (true) {
            datagram.clear();
            SocketAddress from;
            try {
                from = ch.receive(datagram);
            } catch (IOException e) {
                return null; // e.g. ICMP port unreachable reported on a later receive
            }
            if (from == null) return null;
            datagram.flip();
            if (datagram.remaining() <= Udp.MAX_PAYLOAD) return (InetSocketAddress) from;
            unsupported.incrementAndGet(); // would need IP fragmentation
        }
    }

    private void toGuestUdp(long guestMac, int srcIp, int srcPort, int guestIp, int guestPort) {
        emit(Udp.build(guestMac, AddressPlan.GATEWAY_MAC, srcIp, srcPort, guestIp, guestPort,
                datagram.array(), 0, datagram.remaining(), nextIpId()));
    }

    private void sendQuietly(DatagramChannel ch, ByteBuffer payload, InetSocketAddress to) {
        try {
            if (ch.send(payload, to) == 0) transmitDrops.incrementAndGet();
        } catch (IOException e) {
            unsupported.incrementAndGet();
        }
    }

    private void removeUdp(UdpFlow u) {
        if (u.forwarded()) {
            udpForwarded.remove(u.natPort);
            udpForwardedByClient.values().remove(u);
        } else {
            udpNat.remove(UdpFlow.natKey(u.guestIp, u.guestPort));
            closeQuietly(u.channel);
        }
        udpCount.decrementAndGet();
    }

    // ---- shared with TcpFlow ----

    GatewayConfig config() { return config; }

    long nowMs() { return now; }

    int nextIpId() { return ipId++ & 0xFFFF; }

    /** Room for a frame in the queue to the switch (TCP holds back data rather than see it dropped). */
    boolean canEmit() {
        return outgoing.size() < config.queueFrames() - 8;
    }

    void emit(byte[] frame) {
        if (!outgoing.offer(frame)) transmitDrops.incrementAndGet();
    }

    void countRefused() { refused.incrementAndGet(); }

    void countReset() { resets.incrementAndGet(); }

    void countTimeout() { timeouts.incrementAndGet(); }

    void countRetransmit() { retransmits.incrementAndGet(); }

    // ---- teardown ----

    /** Stops the gateway thread and closes every socket it holds; waits for the thread. */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeAll() {
        for (TcpFlow f : new ArrayList<>(tcp.values())) f.close(true);
        for (UdpFlow u : new ArrayList<>(udpNat.values())) removeUdp(u);
        for (UdpFlow u : new ArrayList<>(udpForwarded.values())) removeUdp(u);
        for (Object l : listeners.keySet()) closeQuietly((java.nio.channels.Channel) l);
        listeners.clear();
        try {
            selector.close();
        } catch (IOException e) {
            // nothing more to release
        }
    }

    private static void closeQuietly(java.nio.channels.Channel c) {
        if (c == null) return;
        try {
            c.close();
        } catch (IOException e) {
            // nothing more to release
        }
    }

    // ---- statistics (any thread) ----

    public int tcpConnections() { return tcpCount.get(); }

    /** Frames from the switch not yet taken by the gateway's thread (its bounded receive queue). */
    public int pendingFrames() { return incoming.size(); }

    public int udpFlows() { return udpCount.get(); }

    public GatewayStats stats() {
        return new GatewayStats(framesIn.get(), framesOut.get(), receiveDrops.get(), transmitDrops.get(),
                malformed.get(), unsupported.get(), refused.get(), resets.get(), timeouts.get(), retransmits.get(),
                tableFull.get());
    }
}
