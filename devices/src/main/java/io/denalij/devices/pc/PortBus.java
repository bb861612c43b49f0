package io.denalij.devices.pc;

import io.denalij.cpu.IoBus;

import java.util.ArrayList;
import java.util.List;

/**
 * The PC's I/O port space: dispatches IN/OUT to the device registered for each port.
 *
 * <p>Lookup is two array indexings: 256 pages of 256 ports each, allocated only for pages that
 * hold a device. That is as fast as one flat 65536-entry table but costs a few KiB per machine
 * rather than 256 KiB, which matters when one JVM holds many machines.
 *
 * <p>An unclaimed port behaves like an empty ISA bus (reads all ones, writes vanish) and is
 * counted per port and direction for a {@code --trace-io} report.
 */
public final class PortBus implements IoBus {
    /** How often the guest touched a port nobody claims. */
    public record UnclaimedAccess(int port, boolean write, long count) {
        @Override public String toString() {
            return String.format("port 0x%04x %s x%d", port, write ? "out" : "in", count);
        }
    }

    private final PortDevice[][] pages = new PortDevice[256][];
    /** Unclaimed access counts; a slot is port * 2 + (write ? 1 : 0). Tiny and rarely touched. */
    private final java.util.HashMap<Integer, long[]> unclaimed = new java.util.HashMap<>();

    /** Claims ports {@code first .. first+count-1} for {@code device}; a port can have only one owner. */
    public void register(int first, int count, PortDevice device) {
        if (first < 0 || count <= 0 || first + count > 0x10000) {
            throw new IllegalArgumentException("bad port range " + Integer.toHexString(first) + "+" + count);
        }
        for (int p = first; p < first + count; p++) {
            if (lookup(p) != null) {
                throw new IllegalStateException(String.format("port 0x%04x already claimed by %s", p, lookup(p)));
            }
        }
        for (int p = first; p < first + count; p++) {
            PortDevice[] page = pages[p >>> 8];
            if (page == null) page = pages[p >>> 8] = new PortDevice[256];
            page[p & 0xFF] = device;
        }
    }

    /** The device owning {@code port}, or null. */
    public PortDevice lookup(int port) {
        PortDevice[] page = pages[(port >>> 8) & 0xFF];
        return page == null ? null : page[port & 0xFF];
    }

    @Override
    public int in(int port, int size) {
        port &= 0xFFFF;
        PortDevice d = lookup(port);
        if (size == 1) {
            if (d == null) { count(port, false); return 0xFF; }
            return d.read(port, 1) & 0xFF;
        }
        if (d != null && d.handlesWideAccess()) return d.read(port, size) & mask(size);
        if (d == null && !anyClaimed(port, size)) { count(port, false); return mask(size); }
        int v = 0;
        for (int i = 0; i < size; i++) v |= in((port + i) & 0xFFFF, 1) << (8 * i);
        return v;
    }

    @Override
    public void out(int port, int size, int value) {
        port &= 0xFFFF;
        PortDevice d = lookup(port);
        if (size == 1) {
            if (d == null) count(port, true); else d.write(port, 1, value & 0xFF);
            return;
        }
        if (d != null && d.handlesWideAccess()) { d.write(port, size, value & mask(size)); return; }
        if (d == null && !anyClaimed(port, size)) { count(port, true); return; }
        for (int i = 0; i < size; i++) out((port + i) & 0xFFFF, 1, value >>> (8 * i));
    }

    /** Unclaimed accesses so far, ordered by port then direction. */
    public List<UnclaimedAccess> unclaimed() {
        List<UnclaimedAccess> list = new ArrayList<>();
        unclaimed.forEach((slot, n) -> list.add(new UnclaimedAccess(slot >>> 1, (slot & 1) != 0, n[0])));
        list.sort(java.util.Comparator.comparingInt(UnclaimedAccess::port)
                .thenComparing(UnclaimedAccess::write));
        return list;
    }

    private boolean anyClaimed(int port, int size) {
        for (int i = 1; i < size; i++) if (lookup((port + i) & 0xFFFF) != null) return true;
        return false;
    }

    private void count(int port, boolean write) {
        unclaimed.computeIfAbsent(port * 2 + (write ? 1 : 0), k -> new long[1])[0]++;
    }

    private static int mask(int size) {
        return size == 4 ? -1 : (1 << (size * 8)) - 1;
    }
}
