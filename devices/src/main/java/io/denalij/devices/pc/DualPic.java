package io.denalij.devices.pc;

import io.denalij.cpu.InterruptController;

/**
 * The PC/AT interrupt controller: a master 8259A at 0x20/0x21 and a slave at 0xA0/0xA1 cascaded
 * on the master's IR2, plus the PIIX edge/level control registers at 0x4D0/0x4D1.
 * IRQ 0-7 go to the master, IRQ 8-15 to the slave.
 *
 * <p>{@link #pending()} is a field read. Whoever runs the CPU can also register a
 * {@link Runnable} that hears every change of the INTR line, to avoid polling at all.
 */
public final class DualPic implements InterruptController, IrqLines, PortDevice {
    /** IRQ0-2 and IRQ8/IRQ13 are wired edge-only on the PIIX (ELCR bits reserved). */
    private final Pic8259 master = new Pic8259(true, 0xF8);
    private final Pic8259 slave = new Pic8259(false, 0xDE);
    private boolean intr;
    private Runnable intrListener = () -> { };

    public DualPic() {
        slave.setOutputListener(level -> master.set(2, level));
        master.setOutputListener(level -> {
            intr = level;
            intrListener.run();
        });
    }

    /** Claims 0x20-0x21, 0xA0-0xA1 and 0x4D0-0x4D1. */
    public void attach(PortBus bus) {
        bus.register(0x20, 2, this);
        bus.register(0xA0, 2, this);
        bus.register(0x4D0, 2, this);
    }

    /** Called whenever the INTR line changes (both directions). */
    public void setIntrListener(Runnable listener) { this.intrListener = listener; }

    public Pic8259 master() { return master; }
    public Pic8259 slave() { return slave; }

    // ---- InterruptController ----

    @Override
    public boolean pending() { return intr; }

    @Override
    public int acknowledge() {
        int line = master.acknowledge();
        if (line < 0) return master.vectorBase() + 7;
        if (line != 2) return master.vectorBase() + line;
        int slaveLine = slave.acknowledge();
        return slave.vectorBase() + (slaveLine < 0 ? 7 : slaveLine);
    }

    // ---- IrqLines ----

    @Override public void raise(int irq) { chip(irq).raise(irq & 7); }
    @Override public void lower(int irq) { chip(irq).lower(irq & 7); }
    @Override public void pulse(int irq) { chip(irq).pulse(irq & 7); }

    private Pic8259 chip(int irq) {
        if (irq < 0 || irq > 15) throw new IllegalArgumentException("IRQ " + irq);
        if (irq == 2) throw new IllegalArgumentException("IRQ2 is the cascade input; ISA IRQ2 is IRQ9");
        return irq < 8 ? master : slave;
    }

    // ---- ports ----

    @Override
    public int read(int port, int size) {
        return switch (port) {
            case 0x20 -> master.readCommand();
            case 0x21 -> master.readData();
            case 0xA0 -> slave.readCommand();
            case 0xA1 -> slave.readData();
            case 0x4D0 -> master.elcr();
            case 0x4D1 -> slave.elcr();
            default -> 0xFF;
        };
    }

    @Override
    public void write(int port, int size, int value) {
        switch (port) {
            case 0x20 -> master.writeCommand(value);
            case 0x21 -> master.writeData(value);
            case 0xA0 -> slave.writeCommand(value);
            case 0xA1 -> slave.writeData(value);
            case 0x4D0 -> master.setElcr(value);
            case 0x4D1 -> slave.setElcr(value);
            default -> { }
        }
    }
}
