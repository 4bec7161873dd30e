package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct io_uring_file_index_range} (IORING_REGISTER_FILE_ALLOC_RANGE). */
public final class FileIndexRange {
    private FileIndexRange() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("off"), JAVA_INT.withName("len"), JAVA_LONG.withName("resv")).withName("io_uring_file_index_range");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long OFF = off("off"), LEN = off("len"), RESV = off("resv");
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
