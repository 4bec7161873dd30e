package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct io_uring_reg_wait}: one registered wait argument (since 6.13). */
public final class RegWait {
    private RegWait() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            KernelTimespec.LAYOUT.withName("ts"), JAVA_INT.withName("min_wait_usec"), JAVA_INT.withName("flags"),
            JAVA_LONG.withName("sigmask"), JAVA_INT.withName("sigmask_sz"),
            MemoryLayout.sequenceLayout(3, JAVA_INT).withName("pad"),
            MemoryLayout.sequenceLayout(2, JAVA_LONG).withName("pad2")).withName("io_uring_reg_wait");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long TS = off("ts"), MIN_WAIT_USEC = off("min_wait_usec"), FLAGS = off("flags"),
            SIGMASK = off("sigmask"), SIGMASK_SZ = off("sigmask_sz"), PAD = off("pad"), PAD2 = off("pad2");
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
