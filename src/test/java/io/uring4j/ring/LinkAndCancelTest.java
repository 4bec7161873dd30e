package io.uring4j.ring;

import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.uring4j.ring.OpsSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** SQE flags IO_LINK, IO_HARDLINK, IO_DRAIN, ASYNC, CQE_SKIP_SUCCESS, and ASYNC_CANCEL in all its forms. */
class LinkAndCancelTest extends RingOpsTest {
    @TempDir Path dir;

    @Test
    void failedLinkHeadCancelsTheRestOfTheChain() {
        ring.sqe().prepRead(9999, arena.allocate(8), 0).userData(1).flags(SqeFlags.IO_LINK);
        ring.sqe().prepNop().userData(2).flags(SqeFlags.IO_LINK);
        ring.sqe().prepNop().userData(3);
        ring.sqe().prepNop().userData(4); // not part of the chain
        assertEquals(4, ring.submit());
        List<Done> l = reap(ring, 4);
        assertRes(-Errno.EBADF, byUserData(l, 1));
        assertRes(-Errno.ECANCELED, byUserData(l, 2));
        assertRes(-Errno.ECANCELED, byUserData(l, 3));
        assertRes(0, byUserData(l, 4));
    }

    @Test
    void hardlinkKeepsTheChainGoingAfterAFailure() {
        ring.sqe().prepRead(9999, arena.allocate(8), 0).userData(1).flags(SqeFlags.IO_HARDLINK);
        ring.sqe().prepNop().userData(2).flags(SqeFlags.IO_HARDLINK);
        ring.sqe().prepNop().userData(3);
        ring.submit();
        List<Done> l = reap(ring, 3);
        assertRes(-Errno.EBADF, byUserData(l, 1));
        assertRes(0, byUserData(l, 2));
        assertRes(0, byUserData(l, 3));
    }

    @Test
    void linkedWriteThenReadRunInOrder() throws Exception {
        Path f = dir.resolve("f");
        Files.write(f, new byte[0]);
        int fd = Sys.open(f.toString(), Sys.O_RDWR, 0);
        try {
            MemorySegment out = pattern(arena, 4096, 1), in = arena.allocate(4096);
            ring.sqe().prepWrite(fd, out, 0).userData(1).flags(SqeFlags.IO_LINK);
            ring.sqe().prepFsync(fd, 0).userData(2).flags(SqeFlags.IO_LINK);
            ring.sqe().prepRead(fd, in, 0).userData(3);
            ring.submit();
            List<Done> l = reap(ring, 3);
            assertEquals(List.of(1L, 2L, 3L), l.stream().map(Done::userData).toList(), "a chain completes in order");
            assertRes(4096, byUserData(l, 3));
            assertEquals(-1, in.mismatch(out), "the read saw the linked write");
        } finally {
            Sys.close(fd);
        }
    }

    @Test
    void shortReadBreaksALinkButNotAHardlink() throws Exception {
        Path f = dir.resolve("short");
        Files.write(f, new byte[10]);
        int fd = Sys.open(f.toString(), Sys.O_RDONLY, 0);
        try {
            // a read that returns fewer bytes than asked counts as failure for IO_LINK
            ring.sqe().prepRead(fd, arena.allocate(100), 0).userData(1).flags(SqeFlags.IO_LINK);
            ring.sqe().prepNop().userData(2);
            ring.sqe().prepRead(fd, arena.allocate(100), 0).userData(3).flags(SqeFlags.IO_HARDLINK);
            ring.sqe().prepNop().userData(4);
            ring.submit();
            List<Done> l = reap(ring, 4);
            assertRes(10, byUserData(l, 1));
            assertRes(-Errno.ECANCELED, byUserData(l, 2));
            assertRes(10, byUserData(l, 3));
            assertRes(0, byUserData(l, 4));
        } finally {
            Sys.close(fd);
        }
    }

    @Test
    void drainWaitsForEverythingBefore() {
        int[] p = pipe(0);
        try {
            ring.sqe().prepRead(p[0], arena.allocate(4), -1).userData(1);
            ring.sqe().prepNop().userData(2).flags(SqeFlags.IO_DRAIN);
            ring.sqe().prepNop().userData(3).flags(0);
            ring.submit();
            List<Done> early = drainFor(ring, 50);
            assertTrue(early.stream().noneMatch(d -> d.userData() == 2), "the drained NOP must wait for the read: " + early);
            writeFully(p[1], pattern(arena, 4, 2));
            List<Done> rest = reap(ring, 3 - early.size());
            List<Long> order = Stream.concat(early.stream(), rest.stream())
                    .filter(d -> d.userData() != 3).map(Done::userData).toList();
            assertEquals(List.of(1L, 2L), order);
            // without DRAIN, a NOP does not wait for a pending read
            ring.sqe().prepRead(p[0], arena.allocate(4), -1).userData(4);
            ring.sqe().prepNop().userData(5);
            ring.submit();
            List<Done> l = reap(ring, 1);
            assertEquals(5, l.get(0).userData());
            ring.sqe().prepCancel(4, 0).userData(6);
            ring.submit();
            reap(ring, 2);
        } finally {
            closeAll(p);
        }
    }

    @Test
    void asyncSendsTheRequestToAWorkerThread() throws Exception {
        int[] p = pipe(0);
        try {
            // A pending pipe read is normally armed for poll and runs on no thread. With ASYNC it is
            // punted to io-wq; a blocking read there shows as an iou-wrk-<tid> thread of this process.
            ring.sqe().prepRead(p[0], arena.allocate(4), -1).userData(1).flags(SqeFlags.ASYNC);
            ring.submit();
            long t0 = System.nanoTime();
            while (ioWorkers() == 0 && System.nanoTime() - t0 < 2_000_000_000L) Thread.sleep(5);
            assertTrue(ioWorkers() > 0, "an io-wq worker runs the ASYNC request");
            MemorySegment data = pattern(arena, 4, 3);
            writeFully(p[1], data);
            assertRes(4, reap(ring, 1).get(0));

            ring.sqe().prepNop().userData(2).flags(SqeFlags.ASYNC);
            assertRes(0, submitOne(ring));
        } finally {
            closeAll(p);
        }
    }

    static long ioWorkers() throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.filter(t -> {
                try {
                    return Files.readString(t.resolve("comm")).startsWith("iou-wrk-");
                } catch (IOException e) {
                    return false; // the thread exited meanwhile
                }
            }).count();
        }
    }

    @Test
    void cqeSkipSuccessPostsOnlyFailures() {
        ring.sqe().prepNop().userData(1).flags(SqeFlags.CQE_SKIP_SUCCESS);
        ring.sqe().prepRead(9999, arena.allocate(8), 0).userData(2).flags(SqeFlags.CQE_SKIP_SUCCESS);
        ring.sqe().prepNop().userData(3);
        assertEquals(3, ring.submit());
        List<Done> l = reap(ring, 2);
        assertEquals(List.of(2L, 3L), l.stream().map(Done::userData).sorted().toList());
        assertRes(-Errno.EBADF, byUserData(l, 2));
        assertTrue(drainFor(ring, 20).isEmpty(), "no CQE for the successful NOP");
    }

    // ------------------------------------------------------------------ ASYNC_CANCEL

    @Test
    void cancelByUserData() {
        int[] p = pipe(0);
        try {
            ring.sqe().prepRead(p[0], arena.allocate(8), -1).userData(10);
            ring.sqe().prepRead(p[0], arena.allocate(8), -1).userData(11);
            ring.submit();
            ring.sqe().prepCancel(10, 0).userData(20);
            ring.submit();
            List<Done> l = reap(ring, 2);
            assertRes(0, byUserData(l, 20));
            assertRes(-Errno.ECANCELED, byUserData(l, 10));
            assertTrue(drainFor(ring, 20).isEmpty(), "request 11 is untouched");

            ring.sqe().prepCancel(424242, 0).userData(21);
            assertRes(-Errno.ENOENT, submitOne(ring));
            ring.sqe().prepCancel(11, 0).userData(22);
            ring.submit();
            reap(ring, 2);
        } finally {
            closeAll(p);
        }
    }

    @Test
    void cancelAllWithTheSameUserData() {
        int[] p = pipe(0);
        try {
            for (int i = 0; i < 3; i++) ring.sqe().prepRead(p[0], arena.allocate(8), -1).userData(7);
            ring.submit();
            ring.sqe().prepCancel(7, CancelFlags.ALL).userData(30);
            ring.submit();
            List<Done> l = reap(ring, 4);
            assertRes(3, byUserData(l, 30), "ALL returns how many it cancelled");
            assertEquals(3, l.stream().filter(d -> d.userData() == 7 && d.res() == -Errno.ECANCELED).count());
        } finally {
            closeAll(p);
        }
    }

    @Test
    void cancelByFd() {
        int[] a = pipe(0), b = pipe(0);
        try {
            ring.sqe().prepRead(a[0], arena.allocate(8), -1).userData(1);
            ring.sqe().prepRead(a[0], arena.allocate(8), -1).userData(2);
            ring.sqe().prepRead(b[0], arena.allocate(8), -1).userData(3);
            ring.submit();
            ring.sqe().prepCancelFd(a[0], CancelFlags.ALL).userData(40);
            ring.submit();
            List<Done> l = reap(ring, 3);
            assertRes(2, byUserData(l, 40));
            assertRes(-Errno.ECANCELED, byUserData(l, 1));
            assertRes(-Errno.ECANCELED, byUserData(l, 2));
            // without ALL: the first match only, result 0
            ring.sqe().prepCancelFd(b[0], 0).userData(41);
            ring.submit();
            l = reap(ring, 2);
            assertRes(0, byUserData(l, 41));
            assertRes(-Errno.ECANCELED, byUserData(l, 3));
            ring.sqe().prepCancelFd(b[0], 0).userData(42);
            assertRes(-Errno.ENOENT, submitOne(ring));
        } finally {
            closeAll(a[0], a[1], b[0], b[1]);
        }
    }

    @Test
    void cancelAnyMatchesEveryRequest() {
        int[] a = pipe(0), b = pipe(0);
        try {
            ring.sqe().prepRead(a[0], arena.allocate(8), -1).userData(1);
            ring.sqe().prepRead(b[0], arena.allocate(8), -1).userData(2);
            ring.sqe().prepTimeout(Timespec.allocate(arena, 60_000_000_000L), 0, 0).userData(3);
            ring.submit();
            // ANY matches every request regardless of user_data, and (kernel: all = ALL|ANY) cancels them all
            ring.sqe().prepCancel(0, CancelFlags.ANY).userData(50);
            ring.submit();
            List<Done> l = reap(ring, 4);
            assertRes(3, byUserData(l, 50), "ANY returns how many it cancelled");
            for (long ud = 1; ud <= 3; ud++) assertRes(-Errno.ECANCELED, byUserData(l, ud));
            ring.sqe().prepCancel(0, CancelFlags.ANY | CancelFlags.ALL).userData(52);
            assertRes(0, submitOne(ring), "nothing left: a counting cancel reports 0, not -ENOENT");
            // ANY with FD is refused by the kernel
            ring.sqe().prepCancelFd(a[0], CancelFlags.ANY).userData(53);
            assertRes(-Errno.EINVAL, submitOne(ring));
        } finally {
            closeAll(a[0], a[1], b[0], b[1]);
        }
    }

    @Test
    void cancelByOpcode() {
        int[] p = pipe(0);
        try {
            ring.sqe().prepRead(p[0], arena.allocate(8), -1).userData(1);
            ring.sqe().prepRead(p[0], arena.allocate(8), -1).userData(2);
            ring.sqe().prepPollAdd(p[0], PollFlags.POLLIN).userData(3);
            ring.submit();
            ring.sqe().prepCancelOp(Opcode.READ, 0, CancelFlags.ALL).userData(60);
            ring.submit();
            List<Done> l = reap(ring, 3);
            assertRes(2, byUserData(l, 60), "both READs, not the POLL_ADD");
            assertRes(-Errno.ECANCELED, byUserData(l, 1));
            assertRes(-Errno.ECANCELED, byUserData(l, 2));
            // OP + USERDATA narrows to one request
            ring.sqe().prepCancelOp(Opcode.POLL_ADD, 99, CancelFlags.USERDATA).userData(61);
            assertRes(-Errno.ENOENT, submitOne(ring));
            ring.sqe().prepCancelOp(Opcode.POLL_ADD, 3, CancelFlags.USERDATA).userData(62);
            ring.submit();
            l = reap(ring, 2);
            assertRes(0, byUserData(l, 62));
            assertRes(-Errno.ECANCELED, byUserData(l, 3));
            // the kernel refuses OP with ANY
            ring.sqe().prepCancelOp(Opcode.READ, 0, CancelFlags.ANY).userData(63);
            assertRes(-Errno.EINVAL, submitOne(ring));
        } finally {
            closeAll(p);
        }
    }
}
