package io.denalij.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A bounded byte FIFO for one direction of one TCP connection. Its array exists only while it holds
 * bytes, so ten thousand idle connections cost no buffer memory.
 */
final class ByteRing {
    private final int capacity;
    private byte[] buf;
    private int head, size;

    ByteRing(int capacity) {
        this.capacity = capacity;
    }

    int size() { return size; }

    int free() { return capacity - size; }

    boolean isEmpty() { return size == 0; }

    /** Appends up to free() bytes; returns how many were taken. */
    int append(byte[] src, int off, int len) {
        int n = Math.min(len, free());
        ensure();
        for (int done = 0; done < n; ) {
            int tail = (head + size) % capacity;
            int chunk = Math.min(n - done, capacity - tail);
            System.arraycopy(src, off + done, buf, tail, chunk);
            size += chunk;
            done += chunk;
        }
        releaseIfEmpty();
        return n;
    }

    /** Copies {@code len} bytes starting {@code from} bytes after the head, without removing them. */
    void copy(int from, byte[] dst, int off, int len) {
        if (from + len > size) throw new IndexOutOfBoundsException(from + len + " > " + size);
        int start = (head + from) % capacity;
        int first = Math.min(len, capacity - start);
        System.arraycopy(buf, start, dst, off, first);
        System.arraycopy(buf, 0, dst, off + first, len - first);
    }

    void discard(int n) {
        if (n > size) throw new IndexOutOfBoundsException(n + " > " + size);
        head = (head + n) % capacity;
        size -= n;
        releaseIfEmpty();
    }

    /** Reads from the channel into free space; returns the channel's answer (-1 at end of stream). */
    int readFrom(SocketChannel ch) throws IOException {
        if (free() == 0) return 0;
        ensure();
        int tail = (head + size) % capacity;
        ByteBuffer first = ByteBuffer.wrap(buf, tail, Math.min(free(), capacity - tail));
        ByteBuffer second = ByteBuffer.wrap(buf, 0, free() - first.remaining());
        long n = ch.read(new ByteBuffer[] {first, second});
        if (n > 0) size += (int) n;
        releaseIfEmpty();
        return (int) n;
    }

    /** Writes as much as the channel takes; returns the bytes written. */
    int writeTo(SocketChannel ch) throws IOException {
        if (size == 0) return 0;
        int first = Math.min(size, capacity - head);
        ByteBuffer a = ByteBuffer.wrap(buf, head, first);
        ByteBuffer b = ByteBuffer.wrap(buf, 0, size - first);
        int n = (int) ch.write(new ByteBuffer[] {a, b});
        discard(n);
        return n;
    }

    private void ensure() {
        if (buf == null) {
            buf = new byte[capacity];
            head = 0;
        }
    }

    private void releaseIfEmpty() {
        if (size == 0) {
            buf = null;
            head = 0;
        }
    }
}
