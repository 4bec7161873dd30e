package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct io_uring_buf}: one entry of a provided-buffer ring; entry 0's {@code resv} is the ring tail. */
public final class Buf {
    private Buf() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("addr"), JAVA_INT.withName("len"), JAVA_SHORT.withName("bid"), JAVA_SHORT.withName("resv")).withName("io_uring_buf");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long ADDR = off("addr"), LEN = off("len"), BID = off("bid"), RESV = off("resv");
    /** The 16-bit ring tail aliases {@code bufs[0].resv}. */
    public static final long RING_TAIL = RESV;
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
