package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct io_uring_params}: in/out argument of io_uring_setup. */
public final class IoUringParams {
    private IoUringParams() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("sq_entries"), JAVA_INT.withName("cq_entries"), JAVA_INT.withName("flags"),
            JAVA_INT.withName("sq_thread_cpu"), JAVA_INT.withName("sq_thread_idle"), JAVA_INT.withName("features"),
            JAVA_INT.withName("wq_fd"), MemoryLayout.sequenceLayout(3, JAVA_INT).withName("resv"),
            SqringOffsets.LAYOUT.withName("sq_off"), CqringOffsets.LAYOUT.withName("cq_off")).withName("io_uring_params");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long SQ_ENTRIES = off("sq_entries"), CQ_ENTRIES = off("cq_entries"), FLAGS = off("flags"),
            SQ_THREAD_CPU = off("sq_thread_cpu"), SQ_THREAD_IDLE = off("sq_thread_idle"), FEATURES = off("features"),
            WQ_FD = off("wq_fd"), RESV = off("resv"), SQ_OFF = off("sq_off"), CQ_OFF = off("cq_off");
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
