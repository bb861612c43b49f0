package io.denalij.cli;

import io.denalij.net.AddressPlan;
import io.denalij.net.EthernetSwitch;
import io.denalij.net.GatewayConfig;
import io.denalij.net.GatewayStats;
import io.denalij.net.HostForward;
import io.denalij.net.Ipv4;
import io.denalij.net.TapBackend;
import io.denalij.net.UserModeGateway;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The host side of {@code denali run --net}: a switch with one backend as its uplink, either the
 * user-mode gateway with the {@code --hostfwd} forwards or a Linux TAP device (docs/NETWORK.md).
 * Closing it closes the backend's sockets or device.
 */
final class HostNetwork implements AutoCloseable {
    /** TAP reader queue: frames from the kernel waiting for the switch. */
    static final int TAP_QUEUE_FRAMES = 1024;

    private final EthernetSwitch sw = new EthernetSwitch();
    private final UserModeGateway gateway;
    private final TapBackend tap;
    private final List<HostForward> forwards;

    private HostNetwork(UserModeGateway gateway, List<HostForward> forwards, TapBackend tap) {
        this.gateway = gateway;
        this.forwards = List.copyOf(forwards);
        this.tap = tap;
        if (gateway != null) gateway.attachTo(sw);
        if (tap != null) tap.attachTo(sw);
    }

    /**
     * Checks the options and opens the backend; null for no {@code --net}. Every mistake is a
     * {@link DenaliMain.UserError} (or an IOException from the backend) with one line naming the option.
     */
    static HostNetwork open(String net, List<String> hostfwds, int vmId) throws IOException {
        if (net == null) {
            if (!hostfwds.isEmpty()) throw new DenaliMain.UserError("--hostfwd needs --net user");
            return null;
        }
        if (net.equals("user")) {
            List<HostForward> forwards = new ArrayList<>();
            for (String spec : hostfwds) forwards.add(forwardToThisVm(spec, vmId));
            return new HostNetwork(new UserModeGateway(GatewayConfig.defaults().withForwards(forwards)), forwards, null);
        }
        if (net.startsWith("tap:")) {
            if (!hostfwds.isEmpty()) {
                throw new DenaliMain.UserError("--hostfwd works with --net user only; with a TAP device the host reaches "
                        + Ipv4.format(AddressPlan.ipOf(vmId)) + " directly");
            }
            String name = net.substring(4);
            if (name.isEmpty() || name.length() > 15 || !name.matches("[A-Za-z0-9_.-]+")) {
                throw new DenaliMain.UserError("--net tap:NAME: '" + name + "' is not a network device name (1 to 15 of A-Z a-z 0-9 _ . -)");
            }
            return new HostNetwork(null, List.of(), TapBackend.open(name, TAP_QUEUE_FRAMES));
        }
        throw new DenaliMain.UserError("--net must be user or tap:NAME, not '" + net + "'");
    }

    private static HostForward forwardToThisVm(String spec, int vmId) {
        HostForward f;
        try {
            f = HostForward.parse(spec);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new DenaliMain.UserError(m.startsWith("--hostfwd") ? m : "--hostfwd " + spec + ": " + m);
        }
        int own = AddressPlan.ipOf(vmId);
        if (f.guestIp() != own) {
            throw new DenaliMain.UserError("--hostfwd " + spec + ": " + Ipv4.format(f.guestIp()) + " is not this VM's address (VM "
                    + vmId + " is " + Ipv4.format(own) + ")");
        }
        return f;
    }

    EthernetSwitch networkSwitch() { return sw; }

    /** What the user needs to reach the VM: the forwarded ports as bound (port 0 picks one), or the TAP's setup. */
    void describe(int vmId, PrintStream err) {
        String vmIp = Ipv4.format(AddressPlan.ipOf(vmId));
        if (gateway != null) {
            for (HostForward f : forwards) {
                err.printf("denali: --hostfwd %s:%s:%d-%s:%d%n", f.protocol().name().toLowerCase(), f.hostAddress(),
                        gateway.boundPort(f), Ipv4.format(f.guestIp()), f.guestPort());
            }
        }
        if (tap != null) {
            err.printf("denali: VM %d is %s on %s (give the device 10.0.0.1/8 and bring it up)%n", vmId, vmIp, tap.name());
        }
    }

    /** End-of-run report: ports that dropped frames, and the backend's counters. */
    void report(PrintStream err) {
        for (String line : sw.dropReport().lines().toList()) err.println("denali: net: " + line);
        if (gateway != null) {
            GatewayStats s = gateway.stats();
            err.printf("denali: net: gateway frames in %d out %d, dropped %d/%d, malformed %d, unsupported %d, "
                            + "refused %d, resets %d, timeouts %d, retransmits %d, table full %d%n",
                    s.framesIn(), s.framesOut(), s.receiveDrops(), s.transmitDrops(), s.malformed(), s.unsupported(),
                    s.refused(), s.resets(), s.timeouts(), s.retransmits(), s.tableFull());
        }
        if (tap != null) {
            err.printf("denali: net: %s frames from kernel %d to kernel %d, dropped %d/%d, oversize %d%n", tap.name(),
                    tap.framesFromKernel(), tap.framesToKernel(), tap.dropsFromKernel(), tap.dropsToKernel(), tap.oversizeFrames());
        }
    }

    @Override public void close() {
        if (gateway != null) gateway.close();
        if (tap != null) tap.close();
    }
}
