package io.denalij.net;

import java.util.ArrayDeque;

/** A switch port for tests: frames to send are queued by the test, received frames are kept (bounded). */
final class TestPort implements SwitchPort {
    final ArrayDeque<byte[]> toSend = new ArrayDeque<>();
    final ArrayDeque<byte[]> received = new ArrayDeque<>();
    private final String name;
    private final int capacity;
    SwitchAttachment attachment;

    TestPort(String name, int capacity) {
        this.name = name;
        this.capacity = capacity;
    }

    void send(byte[] frame) {
        toSend.add(frame);
        attachment.transmitReady();
    }

    @Override public byte[] pollTransmit() { return toSend.poll(); }

    @Override public boolean offerReceive(byte[] frame) {
        if (received.size() >= capacity) return false;
        received.add(frame);
        return true;
    }

    @Override public String name() { return name; }
}
