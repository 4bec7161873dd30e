package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct __kernel_timespec}. */
public final class KernelTimespec {
    private KernelTimespec() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_nsec")).withName("__kernel_timespec");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long TV_SEC = off("tv_sec"), TV_NSEC = off("tv_nsec");
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
