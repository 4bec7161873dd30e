package io.uring4j.ring;

import io.uring4j.sys.Errno;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static io.uring4j.ring.OpsSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** TIMEOUT (relative, count, ABS, REALTIME, multishot), TIMEOUT_REMOVE and update, LINK_TIMEOUT. */
class TimeoutOpsTest extends RingOpsTest {
    static final long MS = 1_000_000L;

    @Test
    void relativeTimeoutExpiresWithEtimeNotEarlier() {
        long t0 = System.nanoTime();
        ring.sqe().prepTimeout(Timespec.allocate(arena, 30 * MS), 0, 0).userData(1);
        Done d = submitOne(ring);
        long took = System.nanoTime() - t0;
        assertRes(-Errno.ETIME, d);
        assertTrue(took >= 30 * MS, "expired after " + took / 1000 + " us, asked 30 ms");
        assertTrue(took < 2000 * MS, "took " + took / MS + " ms");
    }

    @Test
    void countCompletesTheTimeoutAfterThatManyOtherCompletions() {
        long t0 = System.nanoTime();
        ring.sqe().prepTimeout(Timespec.allocate(arena, 10_000 * MS), 2, 0).userData(1);
        ring.sqe().prepNop().userData(2);
        ring.sqe().prepNop().userData(3);
        assertEquals(3, ring.submit());
        List<Done> all = reap(ring, 3);
        assertRes(0, byUserData(all, 1), "count reached: res 0, not -ETIME");
        assertTrue(System.nanoTime() - t0 < 5_000 * MS, "completed by count, not by the 10 s timer");

        // count 2 but only one other completion: still pending
        ring.sqe().prepTimeout(Timespec.allocate(arena, 10_000 * MS), 2, 0).userData(4);
        ring.sqe().prepNop().userData(5);
        ring.submit();
        List<Done> some = drainFor(ring, 50);
        assertEquals(1, some.size(), some.toString());
        assertEquals(5, some.get(0).userData());
        ring.sqe().prepTimeoutRemove(4, 0).userData(6);
        ring.submit();
        assertRes(-Errno.ECANCELED, byUserData(reap(ring, 2), 4));
    }

    @Test
    void etimeSuccessReportsExpiryAsSuccess() {
        ring.sqe().prepTimeout(Timespec.allocate(arena, 5 * MS), 0, TimeoutFlags.ETIME_SUCCESS).userData(1);
        Done d = submitOne(ring);
        assertRes(-Errno.ETIME, d); // the result stays -ETIME; the flag stops it from breaking links
        ring.sqe().prepTimeout(Timespec.allocate(arena, 5 * MS), 0, TimeoutFlags.ETIME_SUCCESS)
                .userData(2).flags(SqeFlags.IO_LINK);
        ring.sqe().prepNop().userData(3);
        ring.submit();
        List<Done> l = reap(ring, 2);
        assertRes(-Errno.ETIME, byUserData(l, 2));
        assertRes(0, byUserData(l, 3), "the linked NOP ran: ETIME_SUCCESS does not fail the chain");
    }

    @Test
    void absoluteMonotonicDeadline() {
        // System.nanoTime() is CLOCK_MONOTONIC on Linux, the TIMEOUT_ABS default clock
        long deadline = System.nanoTime() + 40 * MS;
        ring.sqe().prepTimeout(Timespec.allocate(arena, deadline), 0, TimeoutFlags.ABS).userData(1);
        Done d = submitOne(ring);
        long now = System.nanoTime();
        assertRes(-Errno.ETIME, d);
        assertTrue(now >= deadline, "expired " + (deadline - now) / 1000 + " us before the deadline");
        assertTrue(now - deadline < 2000 * MS);

        // a deadline in the past expires at once
        long t0 = System.nanoTime();
        ring.sqe().prepTimeout(Timespec.allocate(arena, t0 - 1000 * MS), 0, TimeoutFlags.ABS).userData(2);
        assertRes(-Errno.ETIME, submitOne(ring));
        assertTrue(System.nanoTime() - t0 < 500 * MS);
    }

    @Test
    void absoluteRealtimeDeadline() {
        java.time.Instant now = java.time.Instant.now();
        long deadline = now.getEpochSecond() * 1_000_000_000L + now.getNano() + 30 * MS;
        long t0 = System.nanoTime();
        ring.sqe().prepTimeout(Timespec.allocate(arena, deadline), 0, TimeoutFlags.ABS | TimeoutFlags.REALTIME).userData(1);
        assertRes(-Errno.ETIME, submitOne(ring));
        long took = System.nanoTime() - t0;
        assertTrue(took >= 20 * MS && took < 2000 * MS, "took " + took / MS + " ms");
        // BOOTTIME and REALTIME together are refused
        ring.sqe().prepTimeout(Timespec.allocate(arena, 1), 0, TimeoutFlags.BOOTTIME | TimeoutFlags.REALTIME).userData(2);
        assertRes(-Errno.EINVAL, submitOne(ring));
    }

    @Test
    void multishotTimeoutFiresRepeatedlyWithMore() {
        long t0 = System.nanoTime();
        // count (off) = number of expirations for a multishot timeout
        ring.sqe().prepTimeout(Timespec.allocate(arena, 10 * MS), 3, TimeoutFlags.MULTISHOT).userData(7);
        ring.submit();
        List<Done> l = reap(ring, 3);
        long took = System.nanoTime() - t0;
        for (Done d : l) {
            assertEquals(7, d.userData());
            assertRes(-Errno.ETIME, d);
        }
        assertTrue(l.get(0).more() && l.get(1).more(), "F_MORE on all but the last: " + l);
        assertFalse(l.get(2).more(), "the last expiration ends the request: " + l);
        assertTrue(took >= 30 * MS, "3 x 10 ms took " + took / MS + " ms");
        assertTrue(drainFor(ring, 30).isEmpty());

        // count 0: infinite until removed
        ring.sqe().prepTimeout(Timespec.allocate(arena, 5 * MS), 0, TimeoutFlags.MULTISHOT).userData(8);
        ring.submit();
        List<Done> first = reap(ring, 2);
        assertTrue(first.stream().allMatch(Done::more), first.toString());
        ring.sqe().prepTimeoutRemove(8, 0).userData(9);
        ring.submit();
        Done removed = null, last = null;
        while (removed == null || last == null) {
            for (Done d : reap(ring, 1)) {
                if (d.userData() == 9) removed = d;
                else if (!d.more()) last = d;
            }
        }
        assertRes(0, removed);
        assertRes(-Errno.ECANCELED, last, "the removed multishot timeout ends without F_MORE");
    }

    @Test
    void timeoutRemoveCancelsAndUnknownIsEnoent() {
        ring.sqe().prepTimeout(Timespec.allocate(arena, 10_000 * MS), 0, 0).userData(1);
        ring.submit();
        ring.sqe().prepTimeoutRemove(1, 0).userData(2);
        ring.submit();
        List<Done> l = reap(ring, 2);
        assertRes(0, byUserData(l, 2));
        assertRes(-Errno.ECANCELED, byUserData(l, 1));

        ring.sqe().prepTimeoutRemove(12345, 0).userData(3);
        assertRes(-Errno.ENOENT, submitOne(ring));
    }

    @Test
    void timeoutUpdateShortensThePendingTimeout() {
        long t0 = System.nanoTime();
        ring.sqe().prepTimeout(Timespec.allocate(arena, 10_000 * MS), 0, 0).userData(1);
        ring.submit();
        ring.sqe().prepTimeoutUpdate(Timespec.allocate(arena, 20 * MS), 1, 0).userData(2);
        ring.submit();
        List<Done> l = reap(ring, 2);
        long took = System.nanoTime() - t0;
        assertRes(0, byUserData(l, 2));
        assertRes(-Errno.ETIME, byUserData(l, 1));
        assertTrue(took >= 20 * MS && took < 5_000 * MS, "updated timeout fired after " + took / MS + " ms");

        ring.sqe().prepTimeoutUpdate(Timespec.allocate(arena, 20 * MS), 999, 0).userData(3);
        assertRes(-Errno.ENOENT, submitOne(ring));
    }

    @Test
    void linkTimeoutCancelsASlowRequest() {
        int[] p = pipe(0);
        try {
            MemorySegment buf = arena.allocate(16);
            long t0 = System.nanoTime();
            ring.sqe().prepRead(p[0], buf, -1).userData(1).flags(SqeFlags.IO_LINK);
            ring.sqe().prepLinkTimeout(Timespec.allocate(arena, 30 * MS), 0).userData(2);
            ring.submit();
            List<Done> l = reap(ring, 2);
            long took = System.nanoTime() - t0;
            assertRes(-Errno.ECANCELED, byUserData(l, 1));
            assertRes(-Errno.ETIME, byUserData(l, 2));
            assertTrue(took >= 30 * MS, "cancelled after " + took / 1000 + " us");
        } finally {
            closeAll(p);
        }
    }

    @Test
    void linkTimeoutIsCancelledWhenTheRequestIsFast() {
        ring.sqe().prepNop().userData(1).flags(SqeFlags.IO_LINK);
        ring.sqe().prepLinkTimeout(Timespec.allocate(arena, 10_000 * MS), 0).userData(2);
        ring.submit();
        List<Done> l = reap(ring, 2);
        assertRes(0, byUserData(l, 1));
        assertRes(-Errno.ECANCELED, byUserData(l, 2));
    }

    @Test
    void linkTimeoutUpdate() {
        int[] p = pipe(0);
        try {
            long t0 = System.nanoTime();
            ring.sqe().prepRead(p[0], arena.allocate(8), -1).userData(1).flags(SqeFlags.IO_LINK);
            ring.sqe().prepLinkTimeout(Timespec.allocate(arena, 10_000 * MS), 0).userData(2);
            ring.submit();
            ring.sqe().prepTimeoutUpdate(Timespec.allocate(arena, 20 * MS), 2, TimeoutFlags.LINK_TIMEOUT_UPDATE).userData(3);
            ring.submit();
            List<Done> l = reap(ring, 3);
            assertRes(0, byUserData(l, 3));
            assertRes(-Errno.ETIME, byUserData(l, 2));
            assertRes(-Errno.ECANCELED, byUserData(l, 1));
            assertTrue(System.nanoTime() - t0 < 5_000 * MS);
        } finally {
            closeAll(p);
        }
    }
}
