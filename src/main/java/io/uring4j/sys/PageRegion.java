package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct page_region}: one entry of PAGEMAP_SCAN's output vector (24 bytes). */
public final class PageRegion {
    private PageRegion() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("start"), JAVA_LONG.withName("end"),
            JAVA_LONG.withName("categories")).withName("page_region");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long START = off("start"), END = off("end"), CATEGORIES = off("categories");
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
