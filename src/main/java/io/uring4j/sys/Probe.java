package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct io_uring_probe} header; {@code ops[]} follows at {@link #OPS}. */
public final class Probe {
    private Probe() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_BYTE.withName("last_op"), JAVA_BYTE.withName("ops_len"), JAVA_SHORT.withName("resv"),
            MemoryLayout.sequenceLayout(3, JAVA_INT).withName("resv2")).withName("io_uring_probe");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long LAST_OP = off("last_op"), OPS_LEN = off("ops_len"), OPS = SIZE;
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
