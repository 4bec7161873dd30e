package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct pm_scan_arg}: the PAGEMAP_SCAN ioctl argument on {@code /proc/<pid>/pagemap} (96 bytes, 6.7+). */
public final class PmScanArg {
    private PmScanArg() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("size"), JAVA_LONG.withName("flags"), JAVA_LONG.withName("start"),
            JAVA_LONG.withName("end"), JAVA_LONG.withName("walk_end"), JAVA_LONG.withName("vec"),
            JAVA_LONG.withName("vec_len"), JAVA_LONG.withName("max_pages"),
            JAVA_LONG.withName("category_inverted"), JAVA_LONG.withName("category_mask"),
            JAVA_LONG.withName("category_anyof_mask"),
            JAVA_LONG.withName("return_mask")).withName("pm_scan_arg");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long SIZE_FIELD = off("size"), FLAGS = off("flags"), START = off("start"),
            END = off("end"), WALK_END = off("walk_end"), VEC = off("vec"), VEC_LEN = off("vec_len"),
            MAX_PAGES = off("max_pages"), CATEGORY_INVERTED = off("category_inverted"),
            CATEGORY_MASK = off("category_mask"), CATEGORY_ANYOF_MASK = off("category_anyof_mask"),
            RETURN_MASK = off("return_mask");
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
