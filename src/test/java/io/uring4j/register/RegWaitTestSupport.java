package io.uring4j.register;

import io.uring4j.ring.Cqe;
import io.uring4j.ring.Ring;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared bits of the registered-wait tests (not a test class itself). */
final class RegWaitTestSupport {
    private RegWaitTestSupport() {}

    static final long MS = 1_000_000L;
    /** Upper slack for a timed wait on a shared 2-core machine. */
    static final long SLACK = 500 * MS;
    /** user_data of the CQEs the watchdog posts. */
    static final long WATCHDOG_USER_DATA = 0xDEAD_D06L;

    /** A pipe: [0] read end, [1] write end. */
    static int[] pipe() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fds = a.allocate(8);
            assertEquals(0, Sys.pipe2(fds, 0));
            return new int[] {fds.get(JAVA_INT, 0), fds.get(JAVA_INT, 4)};
        }
    }

    static void closeAll(int... fds) {
        for (int fd : fds) Sys.close(fd);
    }

    /** Writes one byte to {@code fd} from another thread after {@code delayMs}. */
    static Thread writeLater(int fd, long delayMs) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                return;
            }
            try (Arena a = Arena.ofConfined()) {
                MemorySegment b = a.allocate(1);
                b.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 42);
                Sys.write(fd, b, 1);
            }
        }, "pipe-writer");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * A broken slot (say, a timeout the kernel never sees) would leave io_uring_enter waiting
     * forever, and JUnit's timeout cannot interrupt a native wait. The watchdog thread posts CQEs
     * into the ring with MSG_RING after 20 s, which ends any wait so the test fails instead of
     * hanging; it exits as soon as the ring is closed.
     */
    static Ring watched(Ring ring) {
        long deadline = System.nanoTime() + 20_000 * MS;
        Thread t = new Thread(() -> {
            try {
                while (!ring.isClosed() && System.nanoTime() < deadline) Thread.sleep(50);
                if (ring.isClosed()) return;
                // only now a ring of its own, so no fd is held while tests count theirs
                try (Ring own = Ring.open(2)) {
                    for (int posted = 0; posted < 16 && !ring.isClosed(); posted++) {
                        System.err.println("watchdog: a wait on ring fd " + ring.fd() + " hung for 20 s; posting a CQE");
                        own.sqe().prepMsgRing(ring.fd(), -Errno.ECANCELED, WATCHDOG_USER_DATA, 0);
                        own.submitAndWait(1);
                        own.cqAdvance(own.cqReady());
                        Thread.sleep(100);
                    }
                }
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "regwait-watchdog");
        t.setDaemon(true);
        t.start();
        return ring;
    }

    static void assertElapsedAtLeast(long elapsedNs, long wantNs, String what) {
        assertTrue(elapsedNs >= wantNs, what + ": returned after " + elapsedNs / 1000 + " us, asked " + wantNs / 1000 + " us");
        assertTrue(elapsedNs < wantNs + SLACK, what + ": returned after " + elapsedNs / 1000 + " us, asked " + wantNs / 1000
                + " us (slack " + SLACK / MS + " ms)");
    }

    /** Reaps one CQE and returns its user data, checking its result. */
    static long reap(Ring ring, int expectRes) {
        Cqe c = ring.peekCqe();
        assertTrue(c != null, "a CQE must be ready");
        long ud = c.userData();
        assertEquals(expectRes, c.res(), "CQE res for user_data " + ud);
        ring.cqeSeen();
        return ud;
    }
}
