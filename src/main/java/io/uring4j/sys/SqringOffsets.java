package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct io_sqring_offsets}. */
public final class SqringOffsets {
    private SqringOffsets() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("head"), JAVA_INT.withName("tail"), JAVA_INT.withName("ring_mask"),
            JAVA_INT.withName("ring_entries"), JAVA_INT.withName("flags"), JAVA_INT.withName("dropped"),
            JAVA_INT.withName("array"), JAVA_INT.withName("resv1"), JAVA_LONG.withName("user_addr")).withName("io_sqring_offsets");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long HEAD = off("head"), TAIL = off("tail"), RING_MASK = off("ring_mask"),
            RING_ENTRIES = off("ring_entries"), FLAGS = off("flags"), DROPPED = off("dropped"), ARRAY = off("array"),
            USER_ADDR = off("user_addr");
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
