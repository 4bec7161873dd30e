package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct io_uring_buf_reg} (PBUF_RING). */
public final class BufReg {
    private BufReg() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("ring_addr"), JAVA_INT.withName("ring_entries"), JAVA_SHORT.withName("bgid"),
            JAVA_SHORT.withName("flags"), JAVA_INT.withName("min_left"), JAVA_INT.withName("resv0"),
            MemoryLayout.sequenceLayout(2, JAVA_LONG).withName("resv")).withName("io_uring_buf_reg");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long RING_ADDR = off("ring_addr"), RING_ENTRIES = off("ring_entries"), BGID = off("bgid"),
            FLAGS = off("flags"), MIN_LEFT = off("min_left"), RESV = off("resv0");
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
