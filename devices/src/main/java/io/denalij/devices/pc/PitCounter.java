package io.denalij.devices.pc;

/**
 * One counter of the 8254: its mode, count register, counting element (CE), output, gate,
 * latches and the byte toggles of the LSB/MSB access mode.
 *
 * <p>Nothing ticks. The CE and OUT are pure functions of the current clock edge, the edge at
 * which counting began ({@code since}) and what was counted before a pause ({@code base}), so a
 * read costs a division and time costs nothing. All {@code e} arguments are clock edge numbers
 * ({@link PitClock#edgeAt}); a count takes effect on the edge after it is written, as on the chip.
 */
final class PitCounter {
    private int modeBits;       // mode as programmed (6 and 7 are modes 2 and 3)
    private int mode;
    private int rw = 3;         // 1 = LSB, 2 = MSB, 3 = LSB then MSB
    private boolean bcd;

    /** Last count written, decoded (1..65536, or 1..10000 in BCD). */
    private int count = 0x10000;
    /** The count the CE is working with now. */
    private int n = 0x10000;
    private boolean gate = true;
    /** Modes 0/2/3/4: a count was written since the last control word. Modes 1/5: triggered. */
    private boolean started;
    /** Modes 0/4: false while the gate holds the count. */
    private boolean counting;
    private long since;
    private long base;
    /** CE value shown while nothing counts (before the first count, or gated off in modes 2/3). */
    private int heldCe;
    /** Mode 2/3 count rewrite: becomes {@code n} at {@code switchEdge}, the end of the current period. */
    private long switchEdge = Long.MAX_VALUE;
    private int nextN;
    private boolean loaded;     // a count was written (modes 1/5 wait for the gate with it)
    private long nullUntil = Long.MAX_VALUE;

    private int latchedCount = -1;
    private boolean latchedMsbNext;
    private int latchedStatus = -1;
    private boolean readMsbNext;
    private boolean writeMsbNext;
    private int writeLsb;

    int mode() { return mode; }
    boolean gate() { return gate; }

    // ---- control word ----

    void program(int control, long e) {
        normalize(e);
        heldCe = ce(e);
        rw = (control >>> 4) & 3;
        modeBits = (control >>> 1) & 7;
        mode = modeBits >= 6 ? modeBits - 4 : modeBits;
        bcd = (control & 1) != 0;
        started = false;
        counting = false;
        loaded = false;
        switchEdge = Long.MAX_VALUE;
        latchedCount = -1;
        latchedStatus = -1;
        readMsbNext = false;
        writeMsbNext = false;
        nullUntil = Long.MAX_VALUE;
    }

    void latchCount(long e) {
        if (latchedCount >= 0) return;
        latchedCount = encode(ce(e));
        latchedMsbNext = rw == 2;
    }

    void latchStatus(long e) {
        if (latchedStatus >= 0) return;
        normalize(e);
        latchedStatus = (out(e) ? 0x80 : 0) | (e < nullUntil ? 0x40 : 0) | (rw << 4) | (modeBits << 1) | (bcd ? 1 : 0);
    }

    // ---- data port ----

    int read(long e) {
        if (latchedStatus >= 0) {
            int s = latchedStatus;
            latchedStatus = -1;
            return s;
        }
        if (latchedCount >= 0) {
            int v = latchedCount;
            if (rw == 3 && !latchedMsbNext) {
                latchedMsbNext = true;
                return v & 0xFF;
            }
            latchedCount = -1;
            return rw == 1 ? v & 0xFF : (v >>> 8) & 0xFF;
        }
        int v = encode(ce(e));
        return switch (rw) {
            case 1 -> v & 0xFF;
            case 2 -> (v >>> 8) & 0xFF;
            default -> {
                readMsbNext = !readMsbNext;
                yield readMsbNext ? v & 0xFF : (v >>> 8) & 0xFF;
            }
        };
    }

    void write(int value, long e) {
        value &= 0xFF;
        switch (rw) {
            case 1 -> load(value, e);
            case 2 -> load(value << 8, e);
            case 3 -> {
                if (!writeMsbNext) {
                    writeLsb = value;
                    writeMsbNext = true;
                    if (mode == 0) {           // the first byte already stops a mode 0 count
                        normalize(e);
                        heldCe = ce(e);
                        started = false;
                    }
                } else {
                    writeMsbNext = false;
                    load(writeLsb | value << 8, e);
                }
            }
            default -> throw new IllegalStateException("8254 counter written before its access mode was set");
        }
    }

    private void load(int raw, long e) {
        normalize(e);
        count = decode(raw);
        loaded = true;
        switch (mode) {
            case 0, 4 -> {
                n = count;
                started = true;
                counting = gate;
                base = 0;
                since = e + 1;
                nullUntil = e + 1;
            }
            case 2, 3 -> {
                if (started && gate && e >= since) {
                    // A running rate generator finishes its period with the old count.
                    long j = e - since;
                    switchEdge = since + (j / n + 1) * n;
                    nextN = count;
                    nullUntil = switchEdge;
                } else {
                    n = count;
                    if (!started) since = e + 1;
                    started = true;
                    nullUntil = e + 1;
                }
            }
            default -> { }  // modes 1 and 5 wait for a gate trigger
        }
    }

    // ---- gate ----

    void setGate(boolean g, long e) {
        normalize(e);
        if (g == gate) return;
        if (g) {
            switch (mode) {
                case 0, 4 -> {
                    if (started && !counting) { counting = true; since = Math.max(e, since); }
                }
                case 1, 5 -> {
                    if (loaded) {
                        n = count;
                        started = true;
                        since = e + 1;
                        nullUntil = e + 1;
                    }
                }
                default -> {
                    if (started) {
                        if (switchEdge != Long.MAX_VALUE) { n = nextN; switchEdge = Long.MAX_VALUE; }
                        since = e + 1;
                    }
                }
            }
        } else {
            switch (mode) {
                case 0, 4 -> {
                    if (started && counting) { base = elapsed(e); counting = false; }
                }
                case 2, 3 -> heldCe = ce(e);
                default -> { }
            }
        }
        gate = g;
    }

    // ---- state as a function of time ----

    /** The counting element at edge {@code e} (binary, 0..modulus-1). */
    int ce(long e) {
        normalize(e);
        int m = modulus();
        return switch (mode) {
            case 0, 4 -> started ? (int) Math.floorMod(n - elapsed(e), (long) m) : heldCe;
            case 1, 5 -> started ? (int) Math.floorMod(n - Math.max(0, e - since), (long) m) : heldCe;
            case 2 -> {
                if (!started || !gate) yield heldCe;
                long j = e - since;
                yield j < 0 ? n % m : (int) ((n - j % n) % m);
            }
            default -> {
                if (!started || !gate) yield heldCe;
                long j = e - since;
                yield j < 0 ? n % m : squareWaveCe(j);
            }
        };
    }

    /** The OUT pin at edge {@code e}. */
    boolean out(long e) {
        normalize(e);
        return switch (mode) {
            case 0 -> started && elapsed(e) >= n;
            case 1 -> !started || e < since || e - since >= n;
            case 2 -> !started || !gate || e < since || (e - since) % n != n - 1;
            case 3 -> !started || !gate || e < since || (e - since) % n < (n + 1) / 2;
            case 4 -> !started || elapsed(e) != n;
            default -> !started || e - since != n;
        };
    }

    /** The first edge after {@code e} at which OUT goes from low to high, or Long.MAX_VALUE. */
    long nextRisingEdge(long e) {
        normalize(e);
        if (!started) return Long.MAX_VALUE;
        long next = switch (mode) {
            case 0 -> counting && elapsed(e) < n ? since + (n - base) : Long.MAX_VALUE;
            case 1 -> e - since < n ? since + n : Long.MAX_VALUE;
            case 2, 3 -> {
                if (!gate) yield Long.MAX_VALUE;
                long j = e - since;
                yield j < 0 ? since + n : since + (j / n + 1) * n;
            }
            case 4 -> counting && elapsed(e) <= n ? since + (n + 1 - base) : Long.MAX_VALUE;
            default -> e - since <= n ? since + n + 1 : Long.MAX_VALUE;
        };
        return Math.min(next, switchEdge);
    }

    /** Mode 3 halves the count each clock: N/2 clocks high then N/2 low (odd N: one more high). */
    private int squareWaveCe(long j) {
        long p = j % n;
        long high = (n + 1) / 2;
        int start = (n & 1) == 0 ? n : n - 1;
        long step = p < high ? p : p - high;
        return (int) ((start - 2 * step) % modulus());
    }

    private long elapsed(long e) {
        return counting ? base + Math.max(0, e - since) : base;
    }

    /** Applies a pending mode 2/3 count change once its period boundary has passed. */
    private void normalize(long e) {
        if (e >= switchEdge) {
            since = switchEdge;
            n = nextN;
            switchEdge = Long.MAX_VALUE;
        }
    }

    private int modulus() { return bcd ? 10_000 : 0x10000; }

    private int decode(int raw) {
        int v = bcd ? fromBcd(raw) : raw;
        return v == 0 ? modulus() : v;
    }

    private int encode(int ce) { return bcd ? toBcd(ce) : ce & 0xFFFF; }

    private static int fromBcd(int v) {
        return ((v >>> 12) & 0xF) * 1000 + ((v >>> 8) & 0xF) * 100 + ((v >>> 4) & 0xF) * 10 + (v & 0xF);
    }

    private static int toBcd(int v) {
        return (v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10;
    }
}
