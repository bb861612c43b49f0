package io.denalij.bench;

import io.denalij.denali.DenaliMachine;
import io.denalij.denali.GuestImage;
import io.denalij.devices.denali.IoExecutor;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Resident heap bytes per idle VM: boots {@code vms} swarm VMs to their first IDLE and reports the
 * growth of the used heap after full GCs, divided by the number of VMs (secondary result
 * {@code bytesPerIdleVm}; the primary score is the time it took). Includes everything a VM holds:
 * its own guest pages, CPU and decoded code, TLB, devices.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xss8m", "-Xmx12g", "--sun-misc-unsafe-memory-access=allow"})
public class IdleFootprintBenchmark {
    @Param({"10000"})
    public int vms;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Footprint {
        public long bytesPerIdleVm;
        public long ownedGuestBytesPerVm;
    }

    @Benchmark
    public Object bootIdleVms(Footprint out) {
        GuestImage image = Swarms.image();
        try (IoExecutor io = new IoExecutor(1)) {
            long before = Swarms.usedHeapAfterGc();
            DenaliMachine[] all = new DenaliMachine[vms];
            for (int i = 0; i < vms; i++) all[i] = Swarms.bootToIdle(i, "", image, io);
            long after = Swarms.usedHeapAfterGc();
            out.bytesPerIdleVm = (after - before) / vms;
            out.ownedGuestBytesPerVm = (long) all[0].ram().residentPages() * 4096;
            return all;
        }
    }
}
