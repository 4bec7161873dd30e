package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct io_uring_clone_buffers} (IORING_REGISTER_CLONE_BUFFERS, nr_args = 1). */
public final class CloneBuffers {
    private CloneBuffers() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("src_fd"), JAVA_INT.withName("flags"), JAVA_INT.withName("src_off"),
            JAVA_INT.withName("dst_off"), JAVA_INT.withName("nr"),
            MemoryLayout.sequenceLayout(3, JAVA_INT).withName("pad")).withName("io_uring_clone_buffers");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long SRC_FD = off("src_fd"), FLAGS = off("flags"), SRC_OFF = off("src_off"),
            DST_OFF = off("dst_off"), NR = off("nr"), PAD = off("pad");
    /** {@code src_fd} is a registered-ring index of the calling thread, not an fd. */
    public static final int SRC_REGISTERED = 1;
    /** Replace the destination's existing table instead of failing with EBUSY. */
    public static final int DST_REPLACE = 2;
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
