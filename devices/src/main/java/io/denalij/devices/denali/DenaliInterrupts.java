package io.denalij.devices.denali;

/** The interrupt bits of {@code intr_pending} (SPEC section 4). */
public final class DenaliInterrupts {
    public static final int TIMER = 1;
    public static final int NET = 1 << 1;
    public static final int DISK = 1 << 2;
    public static final int CONSOLE = 1 << 3;

    private DenaliInterrupts() {}
}
