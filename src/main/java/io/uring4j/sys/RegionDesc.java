package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct io_uring_region_desc}. */
public final class RegionDesc {
    private RegionDesc() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("user_addr"), JAVA_LONG.withName("size"), JAVA_INT.withName("flags"),
            JAVA_INT.withName("id"), JAVA_LONG.withName("mmap_offset"),
            MemoryLayout.sequenceLayout(4, JAVA_LONG).withName("__resv")).withName("io_uring_region_desc");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long USER_ADDR = off("user_addr"), SIZE_FIELD = off("size"), FLAGS = off("flags"),
            ID = off("id"), MMAP_OFFSET = off("mmap_offset"), RESV = off("__resv");
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
