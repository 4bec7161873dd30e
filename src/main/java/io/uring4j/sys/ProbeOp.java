package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct io_uring_probe_op}. */
public final class ProbeOp {
    private ProbeOp() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_BYTE.withName("op"), JAVA_BYTE.withName("resv"), JAVA_SHORT.withName("flags"), JAVA_INT.withName("resv2")).withName("io_uring_probe_op");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long OP = off("op"), FLAGS = off("flags");
    /** IO_URING_OP_SUPPORTED */
    public static final int SUPPORTED = 1;
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
