package io.denalij.devices.pc;

import io.denalij.cpu.VirtualClock;

/**
 * The ACPI fixed hardware the FADT of {@code io.denalij.mmu.image.AcpiTables} describes, at base 0x600:
 * PM1a status (+0) and enable (+2), PM1a control (+4) and the power-management timer (+8).
 *
 * <ul>
 *   <li>PM1 control: SCI_EN (bit 0) always reads 1 (the machine is always in ACPI mode). Writing SLP_EN
 *       (bit 13) with SLP_TYP (bits 10-12) equal to the S5 value powers the machine off through
 *       {@link MachineControl#requestPowerOff()}; any other sleep type is refused loudly, since no
 *       sleeping state is modelled. SLP_EN itself always reads 0.
 *   <li>PM timer: 24 bits counting at 3.579545 MHz of virtual time, read-only.
 *   <li>PM1 status/enable: no event source is wired (no power button, no timer overflow SCI), so status
 *       reads 0; writes of 1 clear status bits, enable bits are kept as written.
 * </ul>
 */
public final class AcpiPm implements PortDevice {
    public static final long TIMER_HZ = 3_579_545;
    static final int SCI_EN = 1, SLP_EN = 1 << 13, SLP_TYP_SHIFT = 10;

    private final int base;
    private final int s5SleepType;
    private final VirtualClock clock;
    private final MachineControl control;
    private int enable;
    /** PM1 control bits as written (SLP_EN excluded). */
    private int pm1Control = SCI_EN;

    public AcpiPm(int base, int s5SleepType, VirtualClock clock, MachineControl control) {
        this.base = base;
        this.s5SleepType = s5SleepType;
        this.clock = clock;
        this.control = control;
    }

    public void attach(PortBus bus) { bus.register(base, 12, this); }

    @Override public boolean handlesWideAccess() { return true; }

    /** The 24-bit PM timer value now. */
    public int timer() {
        long ns = clock.nowNs();
        // whole seconds and the rest apart, so that the product cannot overflow in a long run
        return (int) ((ns / 1_000_000_000L) * TIMER_HZ + (ns % 1_000_000_000L) * TIMER_HZ / 1_000_000_000L) & 0xFF_FFFF;
    }

    @Override
    public int read(int port, int size) {
        int off = port - base;
        int v = switch (off & ~3) {
            case 0 -> enable << 16;                    // status (always 0) | enable
            case 4 -> pm1Control | SCI_EN;
            default -> timer();
        };
        return (v >>> (8 * (off & 3))) & (size == 4 ? -1 : (1 << (8 * size)) - 1);
    }

    @Override
    public void write(int port, int size, int value) {
        int off = port - base;
        int mask = (size == 4 ? -1 : (1 << (8 * size)) - 1) << (8 * (off & 3));
        int v = value << (8 * (off & 3));
        switch (off & ~3) {
            case 0 -> enable = (enable & ~(mask >>> 16)) | ((v & mask) >>> 16) & 0xFFFF;
            case 4 -> {
                int c = ((pm1Control & ~mask) | (v & mask)) & 0xFFFF;
                pm1Control = (c & ~SLP_EN) | SCI_EN;
                if ((c & SLP_EN) != 0) sleep((c >>> SLP_TYP_SHIFT) & 7);
            }
            default -> { }                             // the timer is read-only
        }
    }

    private void sleep(int type) {
        if (type != s5SleepType) {
            throw new UnsupportedOperationException("ACPI sleep type " + type + " (only S5, soft off, is modelled)");
        }
        control.requestPowerOff();
    }
}
