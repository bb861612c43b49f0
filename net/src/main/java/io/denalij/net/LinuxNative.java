package io.denalij.net;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few Linux system calls the TAP backend needs, through the Foreign Function &amp; Memory API: open,
 * ioctl, read, write, poll, close and setns, each capturing errno. Constants are those of x86-64 and
 * aarch64 Linux (they agree for everything used here).
 */
final class LinuxNative {
    static final int O_RDWR = 2, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
    static final long TUNSETIFF = 0x400454caL;
    static final short IFF_TAP = 0x0002, IFF_NO_PI = 0x1000;
    static final short POLLIN = 0x1;
    static final int EAGAIN = 11, EINTR = 4;
    static final int CLONE_NEWNET = 0x40000000;
    /** struct ifreq: 16 bytes of name, then a union whose first member is short ifr_flags; 40 bytes in all. */
    static final int IFREQ_SIZE = 40, IFNAMSIZ = 16;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPT = Linker.Option.captureCallState("errno");

    private static final MethodHandle OPEN = handle("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(2), ERRNO_OPT);
    private static final MethodHandle IOCTL = handle("ioctl",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
            Linker.Option.firstVariadicArg(2), ERRNO_OPT);
    private static final MethodHandle READ = handle("read",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            ERRNO_OPT);
    private static final MethodHandle WRITE = handle("write",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            ERRNO_OPT);
    private static final MethodHandle POLL = handle("poll",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT),
            ERRNO_OPT);
    private static final MethodHandle CLOSE = handle("close",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), ERRNO_OPT);
    private static final MethodHandle SETNS = handle("setns",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), ERRNO_OPT);

    private LinuxNative() {}

    private static MethodHandle handle(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment fn = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsupportedOperationException("libc has no " + name + "(): the TAP backend needs Linux"));
        return LINKER.downcallHandle(fn, fd, options);
    }

    /** A call's result and errno. */
    record Result(long value, int errno) {
        boolean failed() { return value < 0; }
    }

    static Result open(String path, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            int r = (int) OPEN.invokeExact(state, a.allocateFrom(path), flags, 0);
            return new Result(r, errno(state));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Result ioctl(int fd, long request, MemorySegment arg) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            int r = (int) IOCTL.invokeExact(state, fd, request, arg);
            return new Result(r, errno(state));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code state} is a segment of {@link #captureState} the caller reuses, so a frame costs no allocation. */
    static long read(MemorySegment state, int fd, MemorySegment buf, long len) {
        try {
            return (long) READ.invokeExact(state, fd, buf, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long write(MemorySegment state, int fd, MemorySegment buf, long len) {
        try {
            return (long) WRITE.invokeExact(state, fd, buf, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Waits up to {@code timeoutMs} for input on {@code fd}; {@code pollfd} is an 8-byte segment. */
    static int pollIn(MemorySegment state, MemorySegment pollfd, int fd, int timeoutMs) {
        pollfd.set(ValueLayout.JAVA_INT, 0, fd);
        pollfd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
        pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
        try {
            return (int) POLL.invokeExact(state, pollfd, 1L, timeoutMs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void close(int fd) {
        try (Arena a = Arena.ofConfined()) {
            int r = (int) CLOSE.invokeExact(a.allocate(CAPTURE), fd);
            if (r != 0) { /* close errors leave nothing to recover */ }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Moves the calling thread (only it) into the network namespace open on {@code nsFd}. */
    static void setNetworkNamespace(int nsFd) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            int r = (int) SETNS.invokeExact(state, nsFd, CLONE_NEWNET);
            if (r != 0) throw new IOException("setns(CLONE_NEWNET) failed: errno " + errno(state));
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static MemorySegment captureState(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
