package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** {@code struct io_uring_clock_register}: the argument of IORING_REGISTER_CLOCK (nr_args = 0). */
public final class ClockRegister {
    private ClockRegister() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("clockid"),
            MemoryLayout.sequenceLayout(3, JAVA_INT).withName("__resv")).withName("io_uring_clock_register");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long CLOCKID = off("clockid"), RESV = off("__resv");
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
