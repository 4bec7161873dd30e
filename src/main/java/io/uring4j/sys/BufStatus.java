package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** {@code struct io_uring_buf_status} (PBUF_STATUS): the kernel fills in {@code head} for {@code buf_group}. */
public final class BufStatus {
    private BufStatus() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("buf_group"), JAVA_INT.withName("head"),
            MemoryLayout.sequenceLayout(8, JAVA_INT).withName("resv")).withName("io_uring_buf_status");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long BUF_GROUP = off("buf_group"), HEAD = off("head");
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
