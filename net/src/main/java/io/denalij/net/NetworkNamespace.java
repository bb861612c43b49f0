package io.denalij.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Runs code inside a named network namespace ({@code ip netns add NAME}) on a thread of its own: setns
 * moves only the calling thread, and that thread ends afterwards, so the rest of the JVM stays where it
 * was. Descriptors opened inside (a TAP device, sockets) keep belonging to the namespace.
 */
public final class NetworkNamespace {
    private NetworkNamespace() {}

    public static <T> T call(String name, Callable<T> body) throws IOException {
        Path ns = Path.of("/run/netns", name);
        if (!Files.exists(ns)) throw new IOException("no network namespace " + name + " (" + ns + " is missing)");
        FutureTask<T> task = new FutureTask<>(() -> {
            LinuxNative.Result fd = LinuxNative.open(ns.toString(), LinuxNative.O_CLOEXEC);
            if (fd.failed()) throw new IOException("cannot open " + ns + ": errno " + fd.errno());
            try {
                LinuxNative.setNetworkNamespace((int) fd.value());
            } finally {
                LinuxNative.close((int) fd.value());
            }
            return body.call();
        });
        Thread t = Thread.ofPlatform().name("denali-netns-" + name).start(task);
        try {
            t.join();
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while working in namespace " + name, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException("in namespace " + name + ": " + e.getCause(), e.getCause());
        }
    }
}
