package io.uring4j.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The one place that builds downcall handles. Every handle captures errno in the call itself
 * ({@code captureCallState}): reading it through a second downcall would see a value the JVM may
 * have clobbered in between.
 */
public final class Native {
    private Native() {}

    public static final Linker LINKER = Linker.nativeLinker();
    static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    /** A per-thread errno buffer; an auto arena so virtual threads do not leak native memory. */
    private static final ThreadLocal<MemorySegment> ERRNO_BUF =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    static {
        checkNativeAccess();
    }

    private static void checkNativeAccess() {
        Module m = Native.class.getModule();
        if (!m.isNativeAccessEnabled()) {
            String who = m.isNamed() ? m.getName() : "ALL-UNNAMED";
            throw new IllegalCallerException("uring4j calls the kernel through the FFM API and needs native access: "
                    + "run java with --enable-native-access=" + who);
        }
    }

    /** A fresh errno buffer for a caller (e.g. a ring) that keeps its own on the hot path. */
    public static MemorySegment newErrnoBuffer(Arena arena) {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    static MemorySegment errnoBuffer() {
        return ERRNO_BUF.get();
    }

    static int errno(MemorySegment buf) {
        return (int) ERRNO.get(buf, 0L);
    }

    /** A libc function whose errno is captured (the handle's first argument is the errno buffer). */
    static MethodHandle libc(String name, FunctionDescriptor fd, Linker.Option... extra) {
        Linker.Option[] opts = new Linker.Option[extra.length + 1];
        opts[0] = CAPTURE;
        System.arraycopy(extra, 0, opts, 1, extra.length);
        MemorySegment sym = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
        return LINKER.downcallHandle(sym, fd, opts);
    }

    static FunctionDescriptor ints(int n) {
        var args = new java.lang.foreign.MemoryLayout[n];
        java.util.Arrays.fill(args, JAVA_INT);
        return FunctionDescriptor.of(JAVA_INT, args);
    }
}
