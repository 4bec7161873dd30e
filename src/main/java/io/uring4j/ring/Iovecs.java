package io.uring4j.ring;

import io.uring4j.sys.Iovec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** Builds {@code struct iovec[]} arrays for READV/WRITEV and msghdr. */
public final class Iovecs {
    private Iovecs() {}

    /** UIO_MAXIOV. */
    public static final int IOV_MAX = 1024;

    /** An iovec array describing {@code buffers}, allocated from {@code arena}. */
    public static MemorySegment of(Arena arena, MemorySegment... buffers) {
        if (buffers.length > IOV_MAX) throw new IllegalArgumentException(buffers.length + " iovecs > IOV_MAX=" + IOV_MAX);
        MemorySegment arr = arena.allocate(Iovec.LAYOUT, buffers.length);
        for (int i = 0; i < buffers.length; i++) set(arr, i, buffers[i]);
        return arr;
    }

    /** Sets entry {@code i} of {@code arr} to describe {@code buf}. */
    public static void set(MemorySegment arr, int i, MemorySegment buf) {
        long base = Iovec.SIZE * i;
        arr.set(JAVA_LONG, base + Iovec.IOV_BASE, Sqe.addressOf(buf, "iovec buffer " + i));
        arr.set(JAVA_LONG, base + Iovec.IOV_LEN, buf.byteSize());
    }
}
