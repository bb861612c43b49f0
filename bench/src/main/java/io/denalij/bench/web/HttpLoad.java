package io.denalij.bench.web;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

/**
 * The client load: {@code connections} concurrent HTTP/1.1 requests over real TCP sockets to the
 * forwarded ports, each request to the next VM in turn (so the load is spread over all of them), one
 * request per connection (Connection: close). Checks every response's status line and body length and
 * records its latency (connect to last byte) in an HdrHistogram, in microseconds.
 */
final class HttpLoad {
    private final int[] ports;
    private final byte[] request;
    private final int expectedBody;
    private final Selector selector;
    private int next;
    final Histogram latencyUs = new Histogram(60_000_000L, 3);
    long requests, bodyBytes, errors;
    private volatile boolean recording;

    private static final class Conn {
        final long start = System.nanoTime();
        final ByteBuffer out;
        final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        long total;
        int headerEnd = -1;
        final StringBuilder head = new StringBuilder();
        Conn(byte[] req) { out = ByteBuffer.wrap(req); }
    }

    HttpLoad(int[] ports, int docBytes) throws IOException {
        this.ports = ports;
        this.expectedBody = docBytes;
        this.request = ("GET /doc?bytes=" + docBytes + " HTTP/1.1\r\nHost: vm\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        this.selector = Selector.open();
    }

    void record(boolean on) {
        recording = on;
    }

    private void open() throws IOException {
        int port = ports[next];
        next = (next + 1) % ports.length;
        SocketChannel ch = SocketChannel.open();
        ch.configureBlocking(false);
        ch.connect(new InetSocketAddress("127.0.0.1", port));
        ch.register(selector, SelectionKey.OP_CONNECT, new Conn(request));
    }

    /** Runs until {@code endNanos} or {@code stopAfter} answered requests, keeping {@code connections} requests in flight. */
    void run(int connections, long endNanos, long stopAfter) throws IOException {
        for (int i = 0; i < connections; i++) open();
        while (System.nanoTime() - endNanos < 0 && requests < stopAfter) {
            selector.select(100);
            Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey k = it.next();
                it.remove();
                Conn c = (Conn) k.attachment();
                SocketChannel ch = (SocketChannel) k.channel();
                try {
                    if (k.isConnectable()) {
                        ch.finishConnect();
                        k.interestOps(SelectionKey.OP_WRITE);
                    } else if (k.isWritable()) {
                        ch.write(c.out);
                        if (!c.out.hasRemaining()) k.interestOps(SelectionKey.OP_READ);
                    } else if (k.isReadable()) {
                        c.in.clear();
                        int n = ch.read(c.in);
                        if (n > 0) consume(c, n);
                        if (n < 0) {
                            done(c, ch);
                            open();
                        }
                    }
                } catch (IOException e) {
                    if (recording) errors++;
                    ch.close();
                    open();
                }
            }
        }
        for (SelectionKey k : selector.keys()) k.channel().close();
        selector.close();
    }

    private void consume(Conn c, int n) {
        if (c.headerEnd < 0) {
            c.head.append(new String(c.in.array(), 0, n, StandardCharsets.ISO_8859_1));
            int end = c.head.indexOf("\r\n\r\n");
            if (end >= 0) {
                c.headerEnd = end + 4;
                c.total = c.head.length() - c.headerEnd;
            }
        } else {
            c.total += n;
        }
    }

    private void done(Conn c, SocketChannel ch) throws IOException {
        ch.close();
        boolean ok = c.headerEnd > 0 && c.head.indexOf("HTTP/1.1 200 ") == 0 && c.total == expectedBody;
        if (!recording) return;
        if (!ok) {
            errors++;
            return;
        }
        requests++;
        bodyBytes += c.total;
        latencyUs.recordValue(Math.min((System.nanoTime() - c.start) / 1000, 60_000_000L));
    }
}
