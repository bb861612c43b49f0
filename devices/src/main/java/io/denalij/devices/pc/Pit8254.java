package io.denalij.devices.pc;

import io.denalij.cpu.VirtualClock;

/**
 * The 8254 programmable interval timer at ports 0x40-0x43: counter 0 drives IRQ0, counter 1 is
 * the (unused) DRAM refresh timer, counter 2 is gated and read back through port 0x61
 * ({@link SystemControlPort}).
 *
 * <p>Counters are computed from virtual time on demand. IRQ0 costs one clock timer event per
 * rising edge of counter 0's output, armed for exactly that edge, never a poll per instruction.
 */
public final class Pit8254 implements PortDevice {
    private final VirtualClock clock;
    private final IrqLines irqs;
    private final PitCounter[] counters = {new PitCounter(), new PitCounter(), new PitCounter()};
    private long irqEdge = Long.MAX_VALUE;
    private final VirtualClock.Timer irq0Timer = new VirtualClock.Timer() {
        @Override protected void fire(long nowNs) { irq0Due(nowNs); }
    };

    public Pit8254(VirtualClock clock, IrqLines irqs) {
        this.clock = clock;
        this.irqs = irqs;
        counters[2].setGate(false, 0); // port 0x61 bit 0 starts clear
    }

    public void attach(PortBus bus) {
        bus.register(0x40, 4, this);
    }

    @Override
    public int read(int port, int size) {
        if (port == 0x43) return 0xFF;      // the control register is write-only
        return counters[port - 0x40].read(edge());
    }

    @Override
    public void write(int port, int size, int value) {
        long e = edge();
        if (port == 0x43) {
            control(value & 0xFF, e);
            return;
        }
        int c = port - 0x40;
        counters[c].write(value, e);
        if (c == 0) scheduleIrq0(e);
    }

    private void control(int v, long e) {
        int select = v >>> 6;
        if (select == 3) {                 // read-back: bits 1-3 choose counters, bits 4/5 clear = latch
            for (int c = 0; c < 3; c++) {
                if ((v & (2 << c)) == 0) continue;
                if ((v & 0x10) == 0) counters[c].latchStatus(e);
                if ((v & 0x20) == 0) counters[c].latchCount(e);
            }
            return;
        }
        if ((v & 0x30) == 0) {
            counters[select].latchCount(e);
            return;
        }
        counters[select].program(v, e);
        if (select == 0) scheduleIrq0(e);
    }

    // ---- counter 2 as port 0x61 sees it ----

    public void setGate2(boolean gate) { counters[2].setGate(gate, edge()); }
    public boolean gate2() { return counters[2].gate(); }
    public boolean out2() { return counters[2].out(edge()); }

    /** OUT of counter {@code c} now (for tests and the speaker). */
    public boolean out(int c) { return counters[c].out(edge()); }

    // ---- IRQ0 ----

    private void scheduleIrq0(long e) {
        irqEdge = counters[0].nextRisingEdge(e);
        clock.arm(irq0Timer, PitClock.nsOfEdge(irqEdge));
    }

    private void irq0Due(long nowNs) {
        long e = PitClock.edgeAt(nowNs);
        if (e >= irqEdge) irqs.pulse(0);
        scheduleIrq0(e);
    }

    private long edge() { return PitClock.edgeAt(clock.nowNs()); }
}
