package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct io_uring_cqe} (16 bytes; a CQE32 ring appends {@code big_cqe[2]}). */
public final class IoUringCqe {
    private IoUringCqe() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("user_data"), JAVA_INT.withName("res"), JAVA_INT.withName("flags")).withName("io_uring_cqe");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long USER_DATA = off("user_data"), RES = off("res"), FLAGS = off("flags");
    /** Offset of {@code big_cqe[0]} in a 32-byte CQE. */
    public static final long BIG_CQE = SIZE;
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
