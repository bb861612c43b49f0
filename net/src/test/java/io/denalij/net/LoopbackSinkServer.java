package io.denalij.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A child process for the 10,000-connection test, so that its sockets do not count against the test
 * JVM's descriptor limit: accepts on 127.0.0.1, discards what it reads, closes when the peer does.
 * Prints its port on the first line; exits when its standard input closes (when the test ends).
 */
public final class LoopbackSinkServer {
    public static void main(String[] args) throws IOException {
        Selector selector = Selector.open();
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        System.out.println(((InetSocketAddress) server.getLocalAddress()).getPort());
        System.out.flush();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                while (System.in.read() >= 0) { }
            } catch (IOException e) {
                // the parent is gone
            }
            System.exit(0);
        });
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (true) {
            selector.select();
            for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                SelectionKey k = it.next();
                it.remove();
                if (k.isAcceptable()) {
                    SocketChannel c;
                    while ((c = server.accept()) != null) {
                        c.configureBlocking(false);
                        c.register(selector, SelectionKey.OP_READ);
                    }
                } else if (k.isReadable()) {
                    SocketChannel c = (SocketChannel) k.channel();
                    int n;
                    try {
                        buf.clear();
                        n = c.read(buf);
                    } catch (IOException e) {
                        n = -1;
                    }
                    if (n < 0) {
                        k.cancel();
                        c.close();
                    }
                }
            }
        }
    }
}
