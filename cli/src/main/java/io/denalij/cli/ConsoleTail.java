package io.denalij.cli;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The console of one VM in a swarm: keeps only its last few lines, in a byte ring allocated on the
 * first write, so 100,000 VMs cannot flood the terminal or the heap. The swarm guest prints one
 * report line when it ends, which is what the summary reads. Written by whichever carrier runs
 * the VM (one at a time), read once the VM is over.
 */
final class ConsoleTail extends OutputStream {
    private final int capacity;
    private final int maxLines;
    private byte[] ring;
    private long written;

    ConsoleTail(int maxLines, int capacityBytes) {
        this.maxLines = maxLines;
        this.capacity = capacityBytes;
    }

    @Override public void write(int b) {
        if (ring == null) ring = new byte[capacity];
        ring[(int) (written++ % capacity)] = (byte) b;
    }

    @Override public void write(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) write(b[off + i]);
    }

    /** Bytes the VM wrote in all. */
    long written() { return written; }

    /** The last lines kept (at most the line limit; the oldest may be cut at the ring's start). */
    List<String> lines() {
        List<String> out = new ArrayList<>();
        if (ring == null) return out;
        int n = (int) Math.min(written, capacity);
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) bytes[i] = ring[(int) ((written - n + i) % capacity)];
        String[] all = new String(bytes, StandardCharsets.UTF_8).split("\n");
        for (int i = Math.max(0, all.length - maxLines); i < all.length; i++) {
            if (!all[i].isEmpty()) out.add(all[i]);
        }
        return out;
    }
}
