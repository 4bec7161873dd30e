package io.uring4j.ring;

import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static io.uring4j.ring.OpsSupport.*;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.junit.jupiter.api.Assertions.*;

/** POLL_ADD (single and multishot), POLL_REMOVE, poll update, EPOLL_CTL and EPOLL_WAIT. */
class PollOpsTest extends RingOpsTest {
    int[] p;

    @BeforeEach
    void setUp() throws Exception {
        p = pipe(0);
        own(p[0]);
        own(p[1]);
    }

    @Test
    void pollAddWaitsForReadiness() {
        ring.sqe().prepPollAdd(p[0], PollFlags.POLLIN).userData(1);
        ring.submit();
        assertTrue(drainFor(ring, 30).isEmpty(), "empty pipe: not readable");
        writeFully(p[1], pattern(arena, 1, 1));
        Done d = reap(ring, 1).get(0);
        assertEquals(1, d.userData());
        assertTrue((d.res() & PollFlags.POLLIN) != 0, d.toString());
        assertFalse(d.more(), "single-shot poll");

        ring.sqe().prepPollAdd(p[1], PollFlags.POLLOUT).userData(2);
        Done w = submitOne(ring);
        assertTrue((w.res() & PollFlags.POLLOUT) != 0, "a pipe with room is writable at once: " + w);
    }

    @Test
    void multishotPollPostsEveryEventWithMoreUntilRemoved() {
        ring.sqe().prepPollMultishot(p[0], PollFlags.POLLIN).userData(5);
        ring.submit();
        for (int i = 0; i < 3; i++) {
            writeFully(p[1], pattern(arena, 1, i));
            Done d = reap(ring, 1).get(0);
            assertEquals(5, d.userData());
            assertTrue((d.res() & PollFlags.POLLIN) != 0, d.toString());
            assertTrue(d.more(), "multishot CQE " + i + " carries F_MORE: " + d);
        }
        ring.sqe().prepPollRemove(5).userData(6);
        ring.submit();
        List<Done> l = reap(ring, 2);
        assertRes(0, byUserData(l, 6));
        Done last = byUserData(l, 5);
        assertRes(-Errno.ECANCELED, last);
        assertFalse(last.more(), "the final CQE has no F_MORE");
    }

    @Test
    void pollRemoveOfUnknownIsEnoent() {
        ring.sqe().prepPollRemove(777).userData(1);
        assertRes(-Errno.ENOENT, submitOne(ring));
    }

    @Test
    void pollUpdateChangesUserDataAndEvents() {
        ring.sqe().prepPollAdd(p[0], PollFlags.POLLIN).userData(1);
        ring.submit();
        ring.sqe().prepPollUpdate(1, 2, 0, PollFlags.UPDATE_USER_DATA).userData(10);
        assertRes(0, submitOne(ring));
        writeFully(p[1], pattern(arena, 1, 1));
        Done d = reap(ring, 1).get(0);
        assertEquals(2, d.userData(), "the CQE carries the updated user_data");
        assertTrue((d.res() & PollFlags.POLLIN) != 0);

        // POLLPRI never happens on a pipe; switch the mask to POLLIN (data is there) and it fires
        ring.sqe().prepPollAdd(p[0], PollFlags.POLLPRI).userData(3);
        ring.submit();
        assertTrue(drainFor(ring, 20).isEmpty());
        ring.sqe().prepPollUpdate(3, 0, PollFlags.POLLIN, PollFlags.UPDATE_EVENTS).userData(11);
        ring.submit();
        List<Done> l = reap(ring, 2);
        assertRes(0, byUserData(l, 11));
        assertTrue((byUserData(l, 3).res() & PollFlags.POLLIN) != 0, l.toString());

        ring.sqe().prepPollUpdate(999, 0, PollFlags.POLLIN, PollFlags.UPDATE_EVENTS).userData(12);
        assertRes(-Errno.ENOENT, submitOne(ring));
    }

    static final int EPOLLIN = 1;

    @Test
    void epollCtlAndEpollWait() {
        int ep = Sys.epollCreate1(Sys.O_CLOEXEC);
        assertTrue(ep >= 0);
        try {
            int dataOff = Sqe.EPOLL_EVENT_SIZE - 8;
            MemorySegment ev = arena.allocate(Sqe.EPOLL_EVENT_SIZE, 8);
            ev.set(JAVA_INT_UNALIGNED, 0, EPOLLIN);
            ev.set(JAVA_LONG_UNALIGNED, dataOff, 0x1234_5678_9abcL);
            ring.sqe().prepEpollCtl(ep, p[0], Sqe.EPOLL_CTL_ADD, ev).userData(1);
            assertRes(0, submitOne(ring));
            ring.sqe().prepEpollCtl(ep, p[0], Sqe.EPOLL_CTL_ADD, ev).userData(2);
            assertRes(-Errno.EEXIST, submitOne(ring), "fd and op reached the kernel");

            MemorySegment events = arena.allocate(4L * Sqe.EPOLL_EVENT_SIZE, 8);
            ring.sqe().prepEpollWait(ep, events, 4, 0).userData(3);
            ring.submit();
            assertTrue(drainFor(ring, 30).isEmpty(), "nothing ready yet");
            writeFully(p[1], pattern(arena, 3, 1));
            Done d = reap(ring, 1).get(0);
            assertRes(1, d, "one ready fd");
            assertTrue((events.get(JAVA_INT_UNALIGNED, 0) & EPOLLIN) != 0);
            assertEquals(0x1234_5678_9abcL, events.get(JAVA_LONG_UNALIGNED, dataOff), "epoll data round-trips");

            ring.sqe().prepEpollCtl(ep, p[0], Sqe.EPOLL_CTL_DEL, MemorySegment.NULL).userData(4);
            assertRes(0, submitOne(ring));
            ring.sqe().prepEpollCtl(ep, p[0], Sqe.EPOLL_CTL_DEL, MemorySegment.NULL).userData(5);
            assertRes(-Errno.ENOENT, submitOne(ring));
        } finally {
            Sys.close(ep);
        }
    }
}
