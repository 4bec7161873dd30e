package io.uring4j.loop;

import io.uring4j.ring.Sqe;
import io.uring4j.sys.Native;
import io.uring4j.sys.Sys;
import io.uring4j.sys.SyscallNumbers;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The caller-side first attempt of {@link BlockingIo#nowaitFirst()}: {@code preadv2(RWF_NOWAIT)},
 * which the kernel completes only from the page cache and otherwise refuses with EAGAIN instead of
 * waiting for the device — the same non-blocking attempt io_uring makes before it queues a read.
 * A cached read therefore costs one system call on the caller's thread (no hand-off to the loop, no
 * park); anything else (EAGAIN, an error, a partly cached range) goes through the ring, which gives
 * the authoritative result, so the two paths cannot disagree.
 */
final class NowaitRead {
    private NowaitRead() {}

    /** Per thread: one iovec and an errno capture buffer (a virtual thread allocates them on first use). */
    private static final ThreadLocal<MemorySegment[]> SCRATCH = ThreadLocal.withInitial(() -> {
        Arena a = Arena.ofAuto();
        return new MemorySegment[]{a.allocate(16, 8), Native.newErrnoBuffer(a)};
    });

    /** Bytes read from the page cache ({@code >= 0}, 0 = end of file), or -1: use the ring. */
    static long tryRead(int fd, MemorySegment buf, long offset) {
        if (offset < 0 || !buf.isNative() || buf.byteSize() == 0) return -1;
        MemorySegment[] s = SCRATCH.get();
        MemorySegment iov = s[0];
        iov.set(JAVA_LONG, 0, buf.address());
        iov.set(JAVA_LONG, 8, buf.byteSize());
        // preadv2(fd, iov, 1, pos_l, pos_h, flags): on 64-bit the offset is one register and pos_h is ignored
        long r = Sys.syscall(s[1], SyscallNumbers.PREADV2, fd, iov.address(), 1, offset, 0, Sqe.RWF_NOWAIT);
        return r;
    }
}
