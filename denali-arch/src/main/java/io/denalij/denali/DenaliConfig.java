package io.denalij.denali;

import io.denalij.devices.denali.DenaliNic;
import io.denalij.devices.denali.IoExecutor;
import io.denalij.devices.denali.VirtualDisk;

import java.io.OutputStream;
import java.util.List;

/**
 * What one Denali VM is given at launch.
 *
 * @param vmId           vm_id in the register page (the VM's number in its swarm); also picks its MAC and IP
 * @param memBytes       mem_size: a multiple of 4 KiB, at least 64 KiB, below 4 GiB
 * @param cmdline        the command line (at most 255 bytes of UTF-8)
 * @param consoleOut     where the VM's console output goes
 * @param disks          up to 4 disks, in disk-number order; the VM owns them from now on and closes them
 * @param io             the JVM's shared I/O threads (disk flushes)
 * @param time           real time, or a manual clock in tests
 * @param wakeup         called from host threads when an event arrives for the VM (cheap, thread-safe):
 *                       lets whoever sleeps while the VM idles wake up
 * @param nicQueueFrames bound of each NIC queue
 */
public record DenaliConfig(int vmId, long memBytes, String cmdline, OutputStream consoleOut, List<VirtualDisk> disks,
                           IoExecutor io, TimeSource time, Runnable wakeup, int nicQueueFrames) {
    public static final long MIN_MEM = 64 * 1024;
    public static final long MAX_MEM = (1L << 32) - 4096;

    public DenaliConfig {
        if (memBytes < MIN_MEM || memBytes > MAX_MEM || (memBytes & 0xFFF) != 0) {
            throw new IllegalArgumentException(String.format(
                    "mem_size 0x%x: must be a multiple of 4 KiB from 64 KiB to 4 GiB - 4 KiB", memBytes));
        }
        if (disks.size() > RegisterPage.MAX_DISKS) {
            throw new IllegalArgumentException("at most " + RegisterPage.MAX_DISKS + " disks, not " + disks.size());
        }
        for (VirtualDisk d : disks) {
            if (d.blocks() > 0xFFFF_FFFFL) throw new IllegalArgumentException("a disk of " + d.blocks() + " blocks does not fit disk_blocks (u32)");
        }
        RegisterPage.cmdlineBytes(cmdline);
        disks = List.copyOf(disks);
    }

    /** A VM with no disks, an empty command line, host time and no wakeup listener. */
    public static DenaliConfig of(int vmId, long memBytes, OutputStream consoleOut, IoExecutor io) {
        return new DenaliConfig(vmId, memBytes, "", consoleOut, List.of(), io, TimeSource.host(), () -> { },
                DenaliNic.DEFAULT_QUEUE_FRAMES);
    }

    public DenaliConfig withCmdline(String c) {
        return new DenaliConfig(vmId, memBytes, c, consoleOut, disks, io, time, wakeup, nicQueueFrames);
    }

    public DenaliConfig withDisks(List<VirtualDisk> d) {
        return new DenaliConfig(vmId, memBytes, cmdline, consoleOut, d, io, time, wakeup, nicQueueFrames);
    }

    public DenaliConfig withTime(TimeSource t) {
        return new DenaliConfig(vmId, memBytes, cmdline, consoleOut, disks, io, t, wakeup, nicQueueFrames);
    }

    public DenaliConfig withWakeup(Runnable w) {
        return new DenaliConfig(vmId, memBytes, cmdline, consoleOut, disks, io, time, w, nicQueueFrames);
    }

    public DenaliConfig withNicQueueFrames(int n) {
        return new DenaliConfig(vmId, memBytes, cmdline, consoleOut, disks, io, time, wakeup, n);
    }
}
