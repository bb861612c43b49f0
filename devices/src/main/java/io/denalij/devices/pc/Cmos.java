package io.denalij.devices.pc;

import io.denalij.cpu.VirtualClock;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The MC146818 real-time clock and its 128 bytes of CMOS RAM at ports 0x70 (index, bit 7 masks
 * NMI) and 0x71 (data).
 *
 * <p>Time is the wall-clock start given at construction plus virtual time, so a run repeats
 * exactly. The clock registers honour register B's binary/BCD and 12/24-hour bits; SET freezes
 * them for the guest to rewrite. Register C's update-ended, alarm and periodic flags are derived
 * from time when read, and with their enables in register B raise IRQ8 through a clock timer
 * (one event per second, or per periodic tick, and only while an interrupt is enabled).
 * Daylight-saving (DSE) is ignored: the clock keeps UTC.
 *
 * <p>The BIOS area is filled as a PC BIOS would for the RAM size given: base memory 640 KiB,
 * extended memory in KiB at 0x17/0x18 and 0x30/0x31 (capped at 0xFFFF), memory above 16 MiB in
 * 64 KiB units at 0x34/0x35, the equipment byte (x87 present) and the standard checksum.
 */
public final class Cmos implements PortDevice {
    private static final long NS_PER_S = 1_000_000_000L;
    /** UIP is set for this long before each update. */
    private static final long UIP_NS = 244_000;

    public static final int SECONDS = 0x00, SECONDS_ALARM = 0x01, MINUTES = 0x02, MINUTES_ALARM = 0x03,
            HOURS = 0x04, HOURS_ALARM = 0x05, DAY_OF_WEEK = 0x06, DAY = 0x07, MONTH = 0x08, YEAR = 0x09,
            REG_A = 0x0A, REG_B = 0x0B, REG_C = 0x0C, REG_D = 0x0D, CENTURY = 0x32;
    private static final int B_SET = 0x80, B_PIE = 0x40, B_AIE = 0x20, B_UIE = 0x10, B_BINARY = 0x04, B_24H = 0x02;
    private static final int C_IRQF = 0x80, C_PF = 0x40, C_AF = 0x20, C_UF = 0x10;

    private final VirtualClock clock;
    private final IrqLines irqs;
    private final byte[] ram = new byte[128];
    private int index;
    private boolean nmiDisabled;

    /** The clock reads {@code baseEpoch} seconds at virtual time {@code baseNs}. */
    private long baseEpoch;
    private long baseNs;
    /** Seconds, minutes, hours, day, month, full year: what the registers show while the clock is stopped. */
    private final int[] held = new int[6];
    private int dayOfWeekOffset;
    private int regA = 0x26, regB = B_24H, regC;
    private long lastSyncNs;
    private final VirtualClock.Timer timer = new VirtualClock.Timer() {
        @Override protected void fire(long nowNs) {
            sync(nowNs);
            schedule(nowNs);
        }
    };

    public Cmos(VirtualClock clock, IrqLines irqs, long startEpochSeconds, long ramBytes) {
        this.clock = clock;
        this.irqs = irqs;
        this.baseNs = clock.nowNs();
        this.baseEpoch = startEpochSeconds;
        this.lastSyncNs = baseNs;
        fillBiosArea(ramBytes);
    }

    public void attach(PortBus bus) {
        bus.register(0x70, 2, this);
    }

    public boolean nmiDisabled() { return nmiDisabled; }

    /** The clock's current time in epoch seconds (UTC). */
    public long epochSeconds() { return epochAt(clock.nowNs()); }

    // ---- ports ----

    @Override
    public int read(int port, int size) {
        if (port == 0x70) return 0xFF;                  // the index register is write-only
        return readRegister(index);
    }

    @Override
    public void write(int port, int size, int value) {
        if (port == 0x70) {
            index = value & 0x7F;
            nmiDisabled = (value & 0x80) != 0;
        } else {
            writeRegister(index, value & 0xFF);
        }
    }

    /** A register as the guest sees it at the current time. */
    public int readRegister(int r) {
        long now = clock.nowNs();
        return switch (r) {
            case SECONDS, MINUTES, HOURS, DAY_OF_WEEK, DAY, MONTH, YEAR, CENTURY -> timeField(r, now);
            case REG_A -> regA | (updateInProgress(now) ? 0x80 : 0);
            case REG_B -> regB;
            case REG_C -> {
                sync(now);
                int v = regC;
                regC = 0;
                if ((v & C_IRQF) != 0) irqs.lower(8);
                yield v;
            }
            case REG_D -> 0x80;                         // valid RAM and time: the battery is fine
            default -> ram[r] & 0xFF;
        };
    }

    public void writeRegister(int r, int v) {
        long now = clock.nowNs();
        switch (r) {
            case SECONDS, MINUTES, HOURS, DAY_OF_WEEK, DAY, MONTH, YEAR, CENTURY -> setTimeField(r, v, now);
            case REG_A -> {
                sync(now);
                boolean wasRunning = !stopped();
                long shown = epochAt(now);
                regA = v & 0x7F;
                restartIfChanged(wasRunning, shown, now);
            }
            case REG_B -> {
                sync(now);
                boolean wasRunning = !stopped();
                long shown = epochAt(now);
                if ((v & B_SET) != 0) v &= ~B_UIE;      // setting the clock disables update interrupts
                regB = v;
                restartIfChanged(wasRunning, shown, now);
            }
            case REG_C, REG_D -> { }                    // read-only
            default -> ram[r] = (byte) v;
        }
        if (r == REG_A || r == REG_B) {
            updateIrq();
            schedule(now);
        }
    }

    // ---- the clock ----

    private boolean stopped() { return (regB & B_SET) != 0 || ((regA >>> 4) & 7) != 2; }

    private long epochAt(long now) {
        return stopped() ? heldEpoch() : baseEpoch + Math.floorDiv(now - baseNs, NS_PER_S);
    }

    private void restartIfChanged(boolean wasRunning, long shown, long now) {
        boolean running = !stopped();
        if (wasRunning && !running) hold(shown);
        if (!wasRunning && running) {
            baseEpoch = heldEpoch();
            baseNs = now;                               // the first update comes a second after restart
            lastSyncNs = now;
        }
    }

    private boolean updateInProgress(long now) {
        if (stopped()) return false;
        return Math.floorMod(now - baseNs, NS_PER_S) >= NS_PER_S - UIP_NS;
    }

    private void hold(long epoch) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(epoch, 0, ZoneOffset.UTC);
        held[0] = t.getSecond();
        held[1] = t.getMinute();
        held[2] = t.getHour();
        held[3] = t.getDayOfMonth();
        held[4] = t.getMonthValue();
        held[5] = t.getYear();
    }

    /** The held fields as a time; out-of-range values roll over (day 31 of a 30-day month is the 1st). */
    private long heldEpoch() {
        return LocalDateTime.of(held[5], 1, 1, 0, 0).plusMonths(held[4] - 1L).plusDays(held[3] - 1L)
                .plusHours(held[2]).plusMinutes(held[1]).plusSeconds(held[0]).toEpochSecond(ZoneOffset.UTC);
    }

    private int timeField(int r, long now) {
        if (!stopped()) hold(epochAt(now));
        int dow = (int) Math.floorMod(Math.floorDiv(heldEpoch(), 86_400L) + 4 + dayOfWeekOffset, 7L); // 1970-01-01 was a Thursday
        return switch (r) {
            case SECONDS -> enc(held[0]);
            case MINUTES -> enc(held[1]);
            case HOURS -> encHour(held[2]);
            case DAY_OF_WEEK -> enc(dow + 1);
            case DAY -> enc(held[3]);
            case MONTH -> enc(held[4]);
            case YEAR -> enc(Math.floorMod(held[5], 100));
            default -> enc(Math.floorDiv(held[5], 100));
        };
    }

    /**
     * Replaces one field. While the clock is stopped the fields are kept as written, so a guest
     * may write them in any order; a running clock takes the change at once.
     */
    private void setTimeField(int r, int v, long now) {
        sync(now);
        boolean running = !stopped();
        long before = epochAt(now);
        if (running) hold(before);
        switch (r) {
            case SECONDS -> held[0] = dec(v);
            case MINUTES -> held[1] = dec(v);
            case HOURS -> held[2] = decHour(v);
            case DAY -> held[3] = dec(v);
            case MONTH -> held[4] = dec(v);
            case YEAR -> held[5] = Math.floorDiv(held[5], 100) * 100 + dec(v);
            case CENTURY -> held[5] = dec(v) * 100 + Math.floorMod(held[5], 100);
            default -> {                                // day of week runs independently of the date
                int computed = (int) Math.floorMod(Math.floorDiv(heldEpoch(), 86_400L) + 4, 7L);
                dayOfWeekOffset = Math.floorMod(dec(v) - 1 - computed, 7);
            }
        }
        if (running) baseEpoch += heldEpoch() - before;  // keeps the phase of the second
    }

    private int enc(int v) { return (regB & B_BINARY) != 0 ? v : (v / 10 % 10) << 4 | v % 10; }

    private int dec(int v) { return (regB & B_BINARY) != 0 ? v : (v >>> 4) * 10 + (v & 0xF); }

    private int encHour(int h) {
        if ((regB & B_24H) != 0) return enc(h);
        int h12 = h % 12 == 0 ? 12 : h % 12;
        return enc(h12) | (h >= 12 ? 0x80 : 0);
    }

    private int decHour(int v) {
        if ((regB & B_24H) != 0) return dec(v);
        return dec(v & 0x7F) % 12 + ((v & 0x80) != 0 ? 12 : 0);
    }

    // ---- interrupt flags ----

    /** Sets the flags of register C for everything that happened since the last sync. */
    private void sync(long now) {
        long then = lastSyncNs;
        if (now <= then) return;
        lastSyncNs = now;
        if (!stopped()) {
            long from = baseEpoch + Math.floorDiv(then - baseNs, NS_PER_S);
            long to = epochAt(now);
            if (to > from) {
                regC |= C_UF;
                if (alarmBetween(from, to)) regC |= C_AF;
            }
        }
        int shift = periodicShift();
        if (shift >= 0 && periodicTicks(now, shift) > periodicTicks(then, shift)) regC |= C_PF;
        updateIrq();
    }

    private void updateIrq() {
        if ((regC & C_IRQF) == 0 && (regC & regB & (C_PF | C_AF | C_UF)) != 0) {
            regC |= C_IRQF;
            irqs.raise(8);
        }
    }

    /** True if a second in (from, to] matches the alarm (0xC0-0xFF in a field matches anything). */
    private boolean alarmBetween(long from, long to) {
        int as = ram[SECONDS_ALARM] & 0xFF, am = ram[MINUTES_ALARM] & 0xFF, ah = ram[HOURS_ALARM] & 0xFF;
        long last = Math.min(to, from + 86_400);
        for (long s = from + 1; s <= last; s++) {
            int sod = (int) Math.floorMod(s, 86_400L);
            if ((as & 0xC0) != 0xC0 && dec(as) != sod % 60) continue;
            if ((am & 0xC0) != 0xC0 && dec(am) != sod / 60 % 60) continue;
            if ((ah & 0xC0) != 0xC0 && decHour(ah) != sod / 3600) continue;
            return true;
        }
        return false;
    }

    /** The periodic rate as a power of two of 32768 Hz periods, or -1 when off. */
    private int periodicShift() {
        int rate = regA & 0xF;
        if (rate == 0 || ((regA >>> 4) & 7) != 2) return -1;
        return rate <= 2 ? rate + 6 : rate - 1;          // rates 1 and 2 alias 256 Hz and 128 Hz
    }

    private static long periodicTicks(long ns, int shift) {
        long q = NS_PER_S << shift;                     // one tick is q / 32768 ns
        return ns / q * 32768 + ns % q * 32768 / q;
    }

    private static long periodicTickNs(long k, int shift) {
        long q = NS_PER_S << shift;
        return k / 32768 * q + (k % 32768 * q + 32767) / 32768;
    }

    private void schedule(long now) {
        long next = Long.MAX_VALUE;
        if ((regB & (B_UIE | B_AIE)) != 0 && !stopped()) {
            next = baseNs + (Math.floorDiv(now - baseNs, NS_PER_S) + 1) * NS_PER_S;
        }
        int shift = periodicShift();
        if ((regB & B_PIE) != 0 && shift >= 0) next = Math.min(next, periodicTickNs(periodicTicks(now, shift) + 1, shift));
        clock.arm(timer, next);
    }

    // ---- BIOS data ----

    private void fillBiosArea(long ramBytes) {
        ram[REG_D] = (byte) 0x80;
        ram[0x10] = 0;                                  // no floppy drives
        ram[0x12] = 0;                                  // no hard disks
        ram[0x14] = 0x02;                               // equipment: x87 present, no floppies, VGA
        setWord(0x15, 640);
        long extKiB = Math.min(0xFFFF, Math.max(0, ramBytes / 1024 - 1024));
        setWord(0x17, (int) extKiB);
        setWord(0x30, (int) extKiB);
        long above16 = Math.min(0xFFFF, Math.max(0, (ramBytes - (16L << 20)) / 65536));
        setWord(0x34, (int) above16);
        int sum = 0;
        for (int i = 0x10; i <= 0x2D; i++) sum += ram[i] & 0xFF;
        ram[0x2E] = (byte) (sum >>> 8);
        ram[0x2F] = (byte) sum;
    }

    private void setWord(int at, int v) {
        ram[at] = (byte) v;
        ram[at + 1] = (byte) (v >>> 8);
    }
}
