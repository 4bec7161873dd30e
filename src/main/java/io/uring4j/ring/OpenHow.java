package io.uring4j.ring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** {@code struct open_how} for OPENAT2: flags, mode, resolve (u64 each). */
public final class OpenHow {
    private OpenHow() {}

    public static final long SIZE = 24;
    public static final long RESOLVE_NO_XDEV = 1, RESOLVE_NO_MAGICLINKS = 2, RESOLVE_NO_SYMLINKS = 4,
            RESOLVE_BENEATH = 8, RESOLVE_IN_ROOT = 0x10, RESOLVE_CACHED = 0x20;

    public static MemorySegment allocate(Arena arena, long flags, long mode, long resolve) {
        MemorySegment s = arena.allocate(SIZE, 8);
        s.set(JAVA_LONG, 0, flags);
        s.set(JAVA_LONG, 8, mode);
        s.set(JAVA_LONG, 16, resolve);
        return s;
    }
}
