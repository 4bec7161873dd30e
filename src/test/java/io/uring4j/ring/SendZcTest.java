package io.uring4j.ring;

import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static io.uring4j.ring.OpsSupport.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.*;

/** SEND_ZC and SENDMSG_ZC: the result CQE (F_MORE) then the notification CQE (F_NOTIF) over a loopback TCP pair. */
class SendZcTest extends RingOpsTest {
    /** IORING_NOTIF_USAGE_ZC_COPIED: with SEND_ZC_REPORT_USAGE, set in the notification's res when data was copied. */
    static final int NOTIF_USAGE_ZC_COPIED = 1 << 31;
    int lfd = -1, client = -1, server = -1;

    @BeforeEach
    void setUp() throws Exception {
        lfd = own(Sys.socket(Sys.AF_INET, Sys.SOCK_STREAM | Sys.SOCK_CLOEXEC, 0));
        assertEquals(0, Sys.bind(lfd, SockAddr.loopback(arena, 0), 16));
        assertEquals(0, Sys.listen(lfd, 4));
        MemorySegment sa = arena.allocate(16), len = arena.allocate(JAVA_INT);
        len.set(JAVA_INT, 0, 16);
        Sys.getsockname(lfd, sa, len);
        client = own(Sys.socket(Sys.AF_INET, Sys.SOCK_STREAM | Sys.SOCK_CLOEXEC, 0));
        assertEquals(0, Sys.connect(client, sa, 16));
        server = own(Sys.accept4(lfd, MemorySegment.NULL, MemorySegment.NULL, Sys.SOCK_CLOEXEC));
        assertTrue(server >= 0);
    }

    /** Reads exactly {@code n} bytes from the server side. */
    MemorySegment receive(int n) {
        MemorySegment in = arena.allocate(n);
        long got = 0;
        while (got < n) {
            long r = Sys.read(server, in.asSlice(got), n - got);
            assertTrue(r > 0, "read: " + r);
            got += r;
        }
        return in;
    }

    @Test
    void sendZcPostsResultWithMoreThenNotification() {
        MemorySegment data = pattern(arena, 64 * 1024, 1);
        ring.sqe().prepSendZc(client, data, 0, 0).userData(1);
        ring.submit();
        List<Done> l = reap(ring, 2);
        Done result = l.get(0), notif = l.get(1);
        assertEquals(1, result.userData());
        assertRes(64 * 1024, result);
        assertTrue(result.more(), "the result CQE says a notification follows: " + result);
        assertFalse(result.notif());
        assertEquals(1, notif.userData(), "the notification carries the same user_data");
        assertTrue(notif.notif(), "second CQE is the notification: " + notif);
        assertFalse(notif.more(), "nothing after the notification");
        assertRes(0, notif);
        assertEquals(-1, receive(64 * 1024).mismatch(data));
        assertTrue(drainFor(ring, 10).isEmpty());
    }

    @Test
    void reportUsageSaysLoopbackCopied() {
        MemorySegment data = pattern(arena, 8192, 2);
        ring.sqe().prepSendZc(client, data, 0, IoprioFlags.SEND_ZC_REPORT_USAGE).userData(2);
        ring.submit();
        List<Done> l = reap(ring, 2);
        assertRes(8192, l.get(0));
        Done notif = l.get(1);
        assertTrue(notif.notif());
        // loopback delivery copies the pages into the receiver, so zero-copy fell back to a copy
        assertEquals(NOTIF_USAGE_ZC_COPIED, notif.res(), "REPORT_USAGE (in ioprio) reached the kernel: " + notif);
        assertEquals(-1, receive(8192).mismatch(data));
    }

    @Test
    void sendmsgZcGathersIovecsAndNotifies() {
        MemorySegment a = pattern(arena, 3000, 3), b = pattern(arena, 5000, 4);
        ring.sqe().prepSendmsgZc(client, MsgHdr.allocate(arena, Iovecs.of(arena, a, b), 2), 0).userData(3);
        ring.submit();
        List<Done> l = reap(ring, 2);
        assertRes(8000, l.get(0));
        assertTrue(l.get(0).more());
        assertTrue(l.get(1).notif());
        MemorySegment got = receive(8000);
        assertEquals(-1, got.asSlice(0, 3000).mismatch(a));
        assertEquals(-1, got.asSlice(3000, 5000).mismatch(b));
    }

    @Test
    void failedSendZcStillEndsWithANotification() {
        // The notification is set up at prep time, so even a send that fails at issue (-EBADF here)
        // reports F_MORE and then posts it: a caller can always free the buffer on F_NOTIF.
        ring.sqe().prepSendZc(9999, pattern(arena, 100, 5), 0, 0).userData(4);
        ring.submit();
        List<Done> l = reap(ring, 2);
        assertRes(-Errno.EBADF, l.get(0));
        assertTrue(l.get(0).more(), l.toString());
        assertTrue(l.get(1).notif(), l.toString());
        assertEquals(4, l.get(1).userData());
        assertTrue(drainFor(ring, 20).isEmpty());
        // unknown zc flags (ioprio) are refused; the contract holds there too: F_MORE means a notification follows
        ring.sqe().prepSendZc(client, pattern(arena, 100, 5), 0, 0x4000).userData(5);
        Done d = submitOne(ring);
        assertRes(-Errno.EINVAL, d);
        if (d.more()) assertTrue(reap(ring, 1).get(0).notif());
        assertTrue(drainFor(ring, 20).isEmpty());
    }

    @Test
    void cqeViewNamesUsageNotificationsWithoutFailing() {
        ring.sqe().prepSendZc(client, pattern(arena, 100, 6), 0, IoprioFlags.SEND_ZC_REPORT_USAGE).userData(6);
        ring.submit();
        ring.submitAndWait(2);
        Cqe first = ring.waitCqe();
        assertEquals(100, first.res());
        ring.cqeSeen();
        Cqe notif = ring.waitCqe();
        assertTrue(notif.isNotification());
        // res = 0x80000000 is a flag word, not an errno: naming it must not throw
        assertNotNull(notif.toString());
        assertNotNull(notif.errnoName());
        ring.cqeSeen();
        receive(100);
    }
}
