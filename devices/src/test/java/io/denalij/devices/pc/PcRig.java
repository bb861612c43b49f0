package io.denalij.devices.pc;

import io.denalij.cpu.CpuState;
import io.denalij.cpu.VirtualClock;

import java.util.function.IntConsumer;

/** A CPU-less PC for device tests: time moves by setting icount, the guest is these port calls. */
final class PcRig {
    final CpuState cpu = new CpuState();
    final VirtualClock clock = new VirtualClock(cpu);
    final PortBus bus = new PortBus();
    final DualPic pic = new DualPic();
    final Pit8254 pit = new Pit8254(clock, pic);
    final SystemControlPort port61 = new SystemControlPort(pit);
    final MachineControl control = new MachineControl();

    PcRig() {
        cpu.icount = 0;
        pic.attach(bus);
        pit.attach(bus);
        port61.attach(bus);
    }

    void outb(int port, int v) { bus.out(port, 1, v); }
    int inb(int port) { return bus.in(port, 1); }

    void at(long ns) { cpu.icount = ns; }
    long now() { return clock.nowNs(); }

    /** Linux's init_8259A(0): vectors 0x30/0x38, everything masked except the cascade. */
    void linuxPicInit() {
        outb(0x21, 0xFF);
        outb(0xA1, 0xFF);
        outb(0x20, 0x11);
        outb(0x21, 0x30);
        outb(0x21, 1 << 2);
        outb(0x21, 0x01);
        outb(0xA0, 0x11);
        outb(0xA1, 0x38);
        outb(0xA1, 2);
        outb(0xA1, 0x01);
        outb(0x21, 0xFB);
        outb(0xA1, 0xFF);
    }

    /**
     * Runs virtual time up to {@code endNs} the way the CPU loop would, taking every interrupt
     * as soon as it is pending and ending each handler with a non-specific EOI on the master.
     */
    void runUntil(long endNs, IntConsumer onVector) {
        while (clock.nextDeadline() <= endNs) {
            cpu.icount = Math.max(cpu.icount, clock.nextDeadline());
            clock.runDue();
            while (pic.pending()) {
                onVector.accept(pic.acknowledge());
                outb(0x20, 0x20);
            }
        }
        cpu.icount = Math.max(cpu.icount, endNs);
    }
}
