package io.uring4j.ring;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/** {@code struct statx} (256 bytes) readers for a STATX result buffer. */
public final class Statx {
    private Statx() {}

    public static final long SIZE = 256;
    public static final int STATX_TYPE = 1, STATX_MODE = 2, STATX_NLINK = 4, STATX_SIZE = 0x200,
            STATX_BASIC_STATS = 0x7ff;
    public static final int AT_STATX_SYNC_AS_STAT = 0, AT_EMPTY_PATH = 0x1000;

    public static int mask(MemorySegment b) { return b.get(JAVA_INT, 0); }

    public static int nlink(MemorySegment b) { return b.get(JAVA_INT, 16); }

    public static int mode(MemorySegment b) { return b.get(JAVA_SHORT, 28) & 0xffff; }

    public static long ino(MemorySegment b) { return b.get(JAVA_LONG, 32); }

    public static long size(MemorySegment b) { return b.get(JAVA_LONG, 40); }

    public static long blocks(MemorySegment b) { return b.get(JAVA_LONG, 48); }
}
