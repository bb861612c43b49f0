package io.denalij.net;

import java.util.LinkedHashMap;
import java.util.function.LongSupplier;

/**
 * The switch's learned addresses (MACs seen as sources on uplinks), bounded and aged. When full, the
 * entry learned first goes; an entry not refreshed for {@code ageNs} is forgotten at its next lookup or
 * sweep, so a host that moved or left stops attracting unicast frames. Used by the pump thread only.
 */
final class MacTable {
    private record Entry(SwitchAttachment port, long seenNs) {}

    private final int capacity;
    private final long ageNs;
    private final LongSupplier clockNs;
    private final LinkedHashMap<Long, Entry> entries = new LinkedHashMap<>();
    private long evictions;

    MacTable(int capacity, long ageNs, LongSupplier clockNs) {
        if (capacity < 1) throw new IllegalArgumentException("MAC table needs room for one entry");
        this.capacity = capacity;
        this.ageNs = ageNs;
        this.clockNs = clockNs;
    }

    void learn(long mac, SwitchAttachment port) {
        long now = clockNs.getAsLong();
        Entry old = entries.put(mac, new Entry(port, now));
        if (old == null && entries.size() > capacity) {
            var eldest = entries.entrySet().iterator();
            eldest.next();
            eldest.remove();
            evictions++;
        }
    }

    /** The port behind {@code mac}, or null when unknown or aged out. */
    SwitchAttachment lookup(long mac) {
        Entry e = entries.get(mac);
        if (e == null) return null;
        if (clockNs.getAsLong() - e.seenNs >= ageNs || e.port.detached()) {
            entries.remove(mac);
            return null;
        }
        return e.port;
    }


    int size() { return entries.size(); }

    long evictions() { return evictions; }
}
