package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct io_uring_mem_region_reg}. */
public final class MemRegionReg {
    private MemRegionReg() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("region_uptr"), JAVA_LONG.withName("flags"),
            MemoryLayout.sequenceLayout(2, JAVA_LONG).withName("__resv")).withName("io_uring_mem_region_reg");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long REGION_UPTR = off("region_uptr"), FLAGS = off("flags"), RESV = off("__resv");
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
