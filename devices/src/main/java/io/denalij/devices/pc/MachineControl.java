package io.denalij.devices.pc;

/**
 * A stop request from a device to the machine's run loop (isa-debug-exit, the keyboard
 * controller's reset line, ACPI soft-off). Devices never stop the machine themselves: the loop polls
 * {@link #stopRequested()} at its poll point and decides what an exit or a reset means.
 */
public final class MachineControl {
    public enum Reason { NONE, EXIT, RESET, POWER_OFF }

    private Reason reason = Reason.NONE;
    private int exitStatus;
    private Runnable stopListener = () -> { };

    /** Called once per request, from inside the guest's OUT instruction: lets the CPU end its run right after it. */
    public void setStopListener(Runnable listener) { this.stopListener = listener; }

    /** The guest asks the machine to end with this process exit status. The first request wins. */
    public void requestExit(int status) {
        if (reason != Reason.NONE) return;
        reason = Reason.EXIT;
        exitStatus = status;
        stopListener.run();
    }

    /** The guest pulsed the CPU reset line. */
    public void requestReset() {
        if (reason != Reason.NONE) return;
        reason = Reason.RESET;
        stopListener.run();
    }

    /** The guest turned the power off (ACPI soft-off, S5). */
    public void requestPowerOff() {
        if (reason != Reason.NONE) return;
        reason = Reason.POWER_OFF;
        stopListener.run();
    }

    public boolean stopRequested() { return reason != Reason.NONE; }

    public Reason reason() { return reason; }

    /** Only meaningful when {@link #reason()} is {@link Reason#EXIT}. */
    public int exitStatus() { return exitStatus; }

    /** Forgets the request (after the run loop handled a reset, for example). */
    public void clear() {
        reason = Reason.NONE;
        exitStatus = 0;
    }
}
