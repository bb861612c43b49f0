package io.denalij.devices.denali;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DenaliTimerTest {
    private final IoExecutor io = new IoExecutor(1);
    private final TestVm vm = new TestVm(16 * 1024, io, List.of());

    @AfterEach
    void close() {
        vm.close();
        io.close();
    }

    private int at(long ns, int periodUs) {
        vm.clock.set(ns);
        return vm.devices.boundary(periodUs);
    }

    @Test
    void offUntilAPeriodIsSet() {
        assertEquals(0, at(5_000_000, 0));
        assertEquals(Long.MAX_VALUE, vm.devices.nextDeadlineNs());
    }

    @Test
    void raisesOncePerElapsedPeriodKeepingPhase() {
        assertEquals(0, at(100, 1000)); // armed: first deadline one period later
        assertEquals(1_000_100, vm.devices.nextDeadlineNs());
        assertEquals(0, at(1_000_099, 1000));
        assertEquals(DenaliInterrupts.TIMER, at(1_000_100, 1000));
        assertEquals(2_000_100, vm.devices.nextDeadlineNs());
        assertEquals(DenaliInterrupts.TIMER, at(2_300_000, 1000), "a late boundary still raises once");
        assertEquals(3_000_100, vm.devices.nextDeadlineNs(), "no drift from the late boundary");
    }

    @Test
    void missedPeriodsCoalesceIntoOneBit() {
        at(0, 10);
        assertEquals(DenaliInterrupts.TIMER, at(1_000_005, 10), "100 periods passed, one bit");
        assertEquals(1_010_000, vm.devices.nextDeadlineNs());
        assertEquals(0, at(1_009_999, 10));
        assertEquals(1, vm.devices.timer().interrupts());
    }

    @Test
    void changingThePeriodRestartsItAndZeroStopsIt() {
        at(0, 1000);
        assertEquals(0, at(500_000, 250), "new period: re-armed, not fired");
        assertEquals(750_000, vm.devices.nextDeadlineNs());
        assertEquals(DenaliInterrupts.TIMER, at(750_000, 250));
        assertEquals(0, at(2_000_000, 0));
        assertEquals(Long.MAX_VALUE, vm.devices.nextDeadlineNs());
        assertEquals(0, at(9_000_000, 0));
    }

    @Test
    void periodIsUnsigned() {
        at(0, 0xFFFF_FFFF);
        assertEquals(0xFFFF_FFFFL * 1000, vm.devices.nextDeadlineNs());
    }
}
