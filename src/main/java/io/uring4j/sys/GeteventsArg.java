package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct io_uring_getevents_arg}: the EXT_ARG argument of io_uring_enter. */
public final class GeteventsArg {
    private GeteventsArg() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("sigmask"), JAVA_INT.withName("sigmask_sz"), JAVA_INT.withName("min_wait_usec"),
            JAVA_LONG.withName("ts")).withName("io_uring_getevents_arg");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long SIGMASK = off("sigmask"), SIGMASK_SZ = off("sigmask_sz"),
            MIN_WAIT_USEC = off("min_wait_usec"), TS = off("ts");
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
