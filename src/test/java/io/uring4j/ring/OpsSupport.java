package io.uring4j.ring;

import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Shared helpers for the per-op tests: CQEs copied out of the ring, pipes, byte patterns. */
final class OpsSupport {
    private OpsSupport() {}

    /** A completion copied out of the ring (the {@link Cqe} view is reused). */
    record Done(long userData, int res, int flags) {
        boolean more() { return (flags & CqeFlags.MORE) != 0; }

        boolean notif() { return (flags & CqeFlags.NOTIF) != 0; }

        @Override
        public String toString() {
            return "Done[ud=" + userData + ", res=" + (res < 0 ? "-" + Errno.name(-res) : res) + ", flags=0x"
                    + Integer.toHexString(flags) + "]";
        }
    }

    /**
     * Waits for the next {@code n} completions (10 s at most) and returns them in arrival order;
     * later ones stay in the ring for the next call.
     */
    static List<Done> reap(Ring ring, int n) {
        List<Done> out = new ArrayList<>(n);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (out.size() < n) {
            Cqe c = ring.peekCqe();
            if (c != null) {
                out.add(new Done(c.userData(), c.res(), c.flags()));
                ring.cqeSeen();
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) fail("timed out waiting for " + n + " CQEs, got " + out);
            int r = ring.waitCqes(1, Math.min(left, 1_000_000_000L));
            if (r < 0 && r != -Errno.ETIME && r != -Errno.EINTR) fail("wait failed: " + Errno.name(-r));
        }
        return out;
    }

    /** Submits what is prepared and returns the single completion that follows. */
    static Done submitOne(Ring ring) {
        int r = ring.submit();
        assertTrue(r >= 0, "submit: " + (r < 0 ? Errno.name(-r) : r));
        return reap(ring, 1).get(0);
    }

    /** Collects whatever completions arrive within {@code millis} ms (for asserting that none arrive). */
    static List<Done> drainFor(Ring ring, long millis) {
        List<Done> out = new ArrayList<>();
        long deadline = System.nanoTime() + millis * 1_000_000L;
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            ring.waitCqes(1, left);
            ring.forEachCqe(c -> out.add(new Done(c.userData(), c.res(), c.flags())));
        }
        ring.forEachCqe(c -> out.add(new Done(c.userData(), c.res(), c.flags())));
        return out;
    }

    static Done byUserData(List<Done> list, long ud) {
        return list.stream().filter(d -> d.userData() == ud).findFirst()
                .orElseThrow(() -> new AssertionError("no CQE with user_data " + ud + " in " + list));
    }

    static void assertRes(int expected, Done d) {
        assertEquals(expected, d.res(), () -> "expected " + (expected < 0 ? "-" + Errno.name(-expected) : expected)
                + " but got " + d);
    }

    static void assertRes(int expected, Done d, String why) {
        assertEquals(expected, d.res(), () -> why + ": expected " + (expected < 0 ? "-" + Errno.name(-expected) : expected)
                + " but got " + d);
    }

    /** A pipe: {@code [0]} read end, {@code [1]} write end. */
    static int[] pipe(int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fds = a.allocate(8);
            int r = Sys.pipe2(fds, flags);
            assertEquals(0, r, () -> "pipe2: " + Errno.name(-r));
            return new int[] {fds.get(JAVA_INT, 0), fds.get(JAVA_INT, 4)};
        }
    }

    static void closeAll(int... fds) {
        for (int fd : fds) if (fd >= 0) Sys.close(fd);
    }

    /** {@code n} bytes of a pattern that differs per {@code seed}, so misplaced data shows. */
    static MemorySegment pattern(Arena a, int n, int seed) {
        MemorySegment s = a.allocate(n);
        for (int i = 0; i < n; i++) s.set(JAVA_BYTE, i, (byte) (i * 31 + seed * 7 + (i >>> 8)));
        return s;
    }

    static byte[] bytes(MemorySegment s) {
        return s.toArray(JAVA_BYTE);
    }

    static MemorySegment cstr(Arena a, String s) {
        return a.allocateFrom(s);
    }

    static String str(MemorySegment s, int len) {
        return new String(s.asSlice(0, len).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
    }

    static void writeFully(int fd, MemorySegment buf) {
        long r = Sys.write(fd, buf, buf.byteSize());
        assertEquals(buf.byteSize(), r, () -> "write: " + (r < 0 ? Errno.name((int) -r) : r));
    }
}
