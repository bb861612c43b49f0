package io.denalij.bench.web;

import io.denalij.cpu.ExecutionEngine;
import io.denalij.denali.DenaliConfig;
import io.denalij.denali.DenaliMachine;
import io.denalij.denali.GuestImage;
import io.denalij.denali.NetworkAttachment;
import io.denalij.devices.denali.IoExecutor;
import io.denalij.net.AddressPlan;
import io.denalij.net.EthernetSwitch;
import io.denalij.net.GatewayConfig;
import io.denalij.net.GatewayStats;
import io.denalij.net.HostForward;
import io.denalij.net.Ipv4;
import io.denalij.net.UserModeGateway;
import io.denalij.translator.JitEngine;
import org.HdrHistogram.Histogram;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Denali paper's web-server experiment (docs/NETWORK.md): N httpd VMs on one switch behind the
 * user-mode gateway, one --hostfwd per VM, and a client load of real TCP connections spread over all of
 * them, each fetching a document (100 KB by default). Prints one CSV line:
 * vms,delivery,connections,seconds,requests,req_per_s,mb_per_s,p50_ms,p90_ms,p99_ms,p999_ms,max_ms,errors,switch_drops,boot_s
 *
 * <p>Usage: WebExperiment IMAGE.elf VMS batched|per-frame [seconds=10] [warmup=3] [connections=64] [doc=102400] [workers=1]
 * [engine=interp|jit] (jit: one translator for every VM, so that code one VM compiled runs compiled in all of them)
 */
public final class WebExperiment {
    /**
     * Receive queue per VM. The worker pumps the switch without asking each VM for room (the single-VM
     * runner does ask), so the queue must hold what the gateway sends a busy VM between two of its quanta.
     */
    static final int NIC_QUEUE_FRAMES = 2048;

    public static void main(String[] args) throws Exception {
        Path image = Path.of(args[0]);
        int vms = Integer.parseInt(args[1]);
        NetworkAttachment.Delivery delivery = switch (args[2]) {
            case "batched" -> NetworkAttachment.Delivery.BATCHED;
            case "per-frame" -> NetworkAttachment.Delivery.PER_FRAME;
            default -> throw new IllegalArgumentException("delivery must be batched or per-frame, not " + args[2]);
        };
        double seconds = arg(args, 3, 10), warmup = arg(args, 4, 3);
        int connections = (int) arg(args, 5, 64), doc = (int) arg(args, 6, 102400), workers = (int) arg(args, 7, 1);
        String engineName = args.length > 8 ? args[8] : "interp";
        ExecutionEngine engine = switch (engineName) {
            case "interp" -> null;
            case "jit" -> new JitEngine();
            default -> throw new IllegalArgumentException("engine must be interp or jit, not " + engineName);
        };

        List<HostForward> forwards = new ArrayList<>();
        for (int i = 0; i < vms; i++) {
            forwards.add(new HostForward(HostForward.Protocol.TCP, "127.0.0.1", 0, AddressPlan.ipOf(i), 80));
        }
        EthernetSwitch sw = new EthernetSwitch();
        GatewayConfig config = GatewayConfig.defaults().withForwards(forwards).withOutbound(false);
        long bootStart = System.nanoTime();
        try (IoExecutor io = new IoExecutor(1); UserModeGateway gw = new UserModeGateway(config)) {
            gw.attachTo(sw);
            List<VmWorker> pool = new ArrayList<>();
            for (int w = 0; w < workers; w++) pool.add(new VmWorker(w == 0 ? sw : null));
            GuestImage loaded = GuestImage.load(Files.readAllBytes(image), 2 << 20);
            List<VmWorker.Slot> slots = new ArrayList<>();
            for (int i = 0; i < vms; i++) {
                VmWorker.Slot s = pool.get(i % workers).newSlot();
                Runnable wake = s::wake;
                s.vm = DenaliMachine.boot(DenaliConfig.of(i, 2 << 20, OutputStream.nullOutputStream(), io).withWakeup(wake)
                        .withCmdline("doc=" + doc).withNicQueueFrames(NIC_QUEUE_FRAMES), loaded);
                if (engine != null) s.vm.cpu().setEngine(engine);
                s.net = NetworkAttachment.attach(sw, s.vm, wake, delivery);
                slots.add(s);
            }
            List<Thread> threads = new ArrayList<>();
            for (VmWorker w : pool) threads.add(Thread.ofPlatform().name("vm-worker").start(w));
            for (VmWorker.Slot s : slots) s.wake();
            int[] ports = new int[vms];
            for (int i = 0; i < vms; i++) ports[i] = gw.boundPort(forwards.get(i));
            // Booted when the VMs have answered about one request each (lwIP up, httpd listening); each VM
            // decodes its code afresh, so a thousand of them take a while on a small machine.
            HttpLoad probe = new HttpLoad(ports, 0);
            probe.record(true);
            probe.run(Math.min(vms, 64), System.nanoTime() + (long) ((10 + vms * 0.2) * 1e9), 2L * vms);
            double bootS = (System.nanoTime() - bootStart) / 1e9;

            HttpLoad load = new HttpLoad(ports, doc);
            long t0 = System.nanoTime();
            Thread recorder = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep((long) (warmup * 1000));
                    load.record(true);
                } catch (InterruptedException ignored) {
                }
            });
            load.run(connections, t0 + (long) ((warmup + seconds) * 1e9), Long.MAX_VALUE);
            recorder.join();
            for (VmWorker w : pool) w.running = false;
            for (Thread t : threads) t.join(5000);

            Histogram h = load.latencyUs;
            long drops = sw.portsWithDrops().stream().mapToLong(p -> p.drops()).sum();
            GatewayStats g = gw.stats();
            System.out.printf("%d,%s,%d,%.1f,%d,%.1f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%d,%d,%.1f%n", vms, args[2], connections, seconds,
                    load.requests, load.requests / seconds, load.bodyBytes / seconds / 1e6,
                    h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3,
                    h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3, load.errors, drops, bootS);
            System.err.printf("vms %d (%s..%s): probe answered %d, gateway retransmits %d resets %d timeouts %d, quanta %d%n", vms,
                    Ipv4.format(AddressPlan.ipOf(0)), Ipv4.format(AddressPlan.ipOf(vms - 1)), probe.requests, g.retransmits(),
                    g.resets(), g.timeouts(), pool.stream().mapToLong(w -> w.quanta).sum());
            for (VmWorker.Slot s : slots) s.vm.close();
        }
    }

    private static double arg(String[] args, int i, double dflt) {
        return args.length > i ? Double.parseDouble(args[i]) : dflt;
    }
}
