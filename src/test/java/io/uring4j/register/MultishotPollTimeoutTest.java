package io.uring4j.register;

import io.uring4j.ring.Cqe;
import io.uring4j.ring.Multishot;
import io.uring4j.ring.PollFlags;
import io.uring4j.ring.Ring;
import io.uring4j.ring.TimeoutFlags;
import io.uring4j.ring.Timespec;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

/** Multishot POLL and TIMEOUT through the {@link Multishot} helper: MORE, the final CQE, and cancellation. */
class MultishotPollTimeoutTest {

    @Test
    void multishotPollFiresPerEventUntilCancelled() throws Exception {
        int efd = Sys.eventfd(0, Sys.EFD_NONBLOCK);
        try (Ring ring = Ring.open(8); Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_LONG), sink = a.allocate(JAVA_LONG);
            Multishot poll = new Multishot(5, sqe -> sqe.prepPollMultishot(efd, PollFlags.POLLIN));
            poll.arm(ring);
            ring.submit();
            for (int i = 0; i < 3; i++) {
                v.set(JAVA_LONG, 0, 1);
                assertEquals(8, Sys.write(efd, v, 8));
                ring.submitAndWait(1);
                Cqe c = ring.waitCqe();
                assertEquals(Multishot.Outcome.MORE, poll.onCqe(c), c.toString());
                assertTrue((c.res() & PollFlags.POLLIN) != 0);
                ring.cqeSeen();
                assertEquals(8, Sys.read(efd, sink, 8)); // drain: the next write is a new event
            }
            poll.cancel(ring, 6);
            ring.submit();
            assertEquals(2, MultishotAcceptTest.awaitCqes(ring, 2));
            ring.forEachCqe(c -> {
                if (c.userData() == 5) {
                    assertEquals(-Errno.ECANCELED, c.res());
                    assertEquals(Multishot.Outcome.DONE, poll.onCqe(c));
                } else assertEquals(0, c.res(), c.toString());
            });
            assertFalse(poll.isArmed());
            assertEquals(4, poll.cqes());
        } finally {
            Sys.close(efd);
        }
    }

    @Test
    void countedMultishotTimeoutEndsAfterItsShots() throws Exception {
        try (Ring ring = Ring.open(4); Arena a = Arena.ofConfined()) {
            MemorySegment ts = Timespec.allocate(a, 2_000_000L);
            Multishot timer = new Multishot(9, sqe -> sqe.prepTimeout(ts, 3, TimeoutFlags.MULTISHOT));
            timer.arm(ring);
            ring.submit();
            int more = 0;
            Multishot.Outcome o;
            do {
                ring.submitAndWait(1);
                Cqe c = ring.waitCqe();
                assertEquals(-Errno.ETIME, c.res());
                o = timer.onCqe(c);
                if (o == Multishot.Outcome.MORE) more++;
                ring.cqeSeen();
            } while (o == Multishot.Outcome.MORE);
            assertEquals(2, more, "three shots: two with F_MORE, then the last");
            assertEquals(Multishot.Outcome.DONE, o);
            assertThrows(IllegalArgumentException.class, () -> timer.cancel(ring, 9), "the cancel needs its own user_data");
        }
    }

    @Test
    void rearmPolicy() {
        assertEquals(Multishot.Outcome.REARM, Multishot.endOutcome(-Errno.ENOBUFS));
        assertEquals(Multishot.Outcome.REARM, Multishot.endOutcome(17));
        assertEquals(Multishot.Outcome.DONE, Multishot.endOutcome(0));
        assertEquals(Multishot.Outcome.DONE, Multishot.endOutcome(-Errno.ECANCELED));
        assertEquals(Multishot.Outcome.DONE, Multishot.endOutcome(-Errno.EINVAL));
    }
}
