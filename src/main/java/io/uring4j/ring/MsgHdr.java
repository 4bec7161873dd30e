package io.uring4j.ring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** {@code struct msghdr} (56 bytes on 64-bit Linux) for SENDMSG / RECVMSG. */
public final class MsgHdr {
    private MsgHdr() {}

    public static final long SIZE = 56;
    public static final long NAME = 0, NAMELEN = 8, IOV = 16, IOVLEN = 24, CONTROL = 32, CONTROLLEN = 40, FLAGS = 48;

    /** A msghdr over {@code iovecs} (nr entries), no address and no control data. */
    public static MemorySegment allocate(Arena arena, MemorySegment iovecs, int nr) {
        MemorySegment m = arena.allocate(SIZE, 8);
        m.set(JAVA_LONG, IOV, Sqe.addressOf(iovecs, "iovec array"));
        m.set(JAVA_LONG, IOVLEN, nr);
        return m;
    }

    public static int flags(MemorySegment m) { return m.get(JAVA_INT, FLAGS); }
}
