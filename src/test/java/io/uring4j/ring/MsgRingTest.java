package io.uring4j.ring;

import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.uring4j.ring.OpsSupport.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.*;

/** MSG_RING between two rings: data messages, CQE_SKIP, FLAGS_PASS, passing a fixed file, across threads. */
class MsgRingTest {
    Ring a, b;
    Arena arena;

    @BeforeEach
    void setUp() throws Exception {
        a = Ring.open(8);
        b = Ring.open(8);
        arena = Arena.ofConfined();
    }

    @AfterEach
    void tearDown() {
        a.close();
        b.close();
        arena.close();
    }

    @Test
    void messagePostsACqeOnTheTargetRing() {
        a.sqe().prepMsgRing(b.fd(), 42, 0xdead_beefL, 0).userData(1);
        Done sent = submitOne(a);
        assertEquals(1, sent.userData());
        assertRes(0, sent);
        Done got = reap(b, 1).get(0);
        assertEquals(0xdead_beefL, got.userData(), "target CQE user_data = the message's data");
        assertRes(42, got, "target CQE res = the message's len");
        assertEquals(0, got.flags());
        assertTrue(drainFor(a, 10).isEmpty(), "nothing else on the sender");
    }

    @Test
    void cqeSkipIsOnlyForPassingFiles() {
        // the kernel takes IORING_MSG_RING_CQE_SKIP for MSG_SEND_FD only (see passesAFixedFile...)
        a.sqe().prepMsgRing(b.fd(), 1, 7, Sqe.MSG_RING_CQE_SKIP).userData(2);
        assertRes(-Errno.EINVAL, submitOne(a));
        assertTrue(drainFor(b, 10).isEmpty());
    }

    @Test
    void flagsPassSetsTheTargetCqeFlags() {
        a.sqe().prepMsgRingCqeFlags(b.fd(), 5, 9, 0, 0x1234_0000).userData(3);
        assertRes(0, submitOne(a));
        Done got = reap(b, 1).get(0);
        assertEquals(9, got.userData());
        assertRes(5, got);
        assertEquals(0x1234_0000, got.flags(), "FLAGS_PASS copies file_index into cqe->flags");
    }

    @Test
    void targetThatIsNotARingIsEbadfd() {
        int[] p = pipe(0);
        try {
            a.sqe().prepMsgRing(p[0], 1, 1, 0).userData(4);
            assertRes(-Errno.EBADFD, submitOne(a));
            a.sqe().prepMsgRing(a.fd(), 1, 77, 0x80).userData(5);
            assertRes(-Errno.EINVAL, submitOne(a), "unknown msg_ring flags");
        } finally {
            closeAll(p);
        }
    }

    @Test
    void wakesARingWaitingInAnotherThread() throws Exception {
        CountDownLatch owned = new CountDownLatch(1);
        CompletableFuture<Done> got = CompletableFuture.supplyAsync(() -> {
            try (Ring r = Ring.open(4)) {
                int fd = r.fd();
                ringFd = fd;
                owned.countDown();
                return reap(r, 1).get(0);
            } catch (io.uring4j.ErrnoException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertTrue(owned.await(5, TimeUnit.SECONDS));
        Thread.sleep(20); // let the other thread block in io_uring_enter
        a.sqe().prepMsgRing(ringFd, 99, 0xabcL, 0).userData(6);
        assertRes(0, submitOne(a));
        Done d = got.get(5, TimeUnit.SECONDS);
        assertEquals(0xabcL, d.userData());
        assertRes(99, d);
    }

    volatile int ringFd;

    @Test
    void passesAFixedFileIntoTheTargetRing() throws Exception {
        int[] p = pipe(0);
        try {
            // sender: the pipe's write end in fixed slot 0; target: 4 empty (sparse, -1) slots
            MemorySegment src = arena.allocate(JAVA_INT, 1);
            src.set(JAVA_INT, 0, p[1]);
            a.register(RegisterOp.FILES, src, 1);
            MemorySegment empty = arena.allocate(JAVA_INT, 4);
            for (int i = 0; i < 4; i++) empty.setAtIndex(JAVA_INT, i, -1);
            b.register(RegisterOp.FILES, empty, 4);

            a.sqe().prepMsgRingFd(b.fd(), 0, 2, 0x51, 0).userData(7);
            assertRes(0, submitOne(a));
            Done note = reap(b, 1).get(0);
            assertEquals(0x51, note.userData());
            assertRes(0, note, "a chosen slot: res 0");

            // the target ring now writes into the pipe through its slot 2
            MemorySegment data = pattern(arena, 32, 1);
            b.sqe().prepWrite(2, data, -1).flags(SqeFlags.FIXED_FILE).userData(8);
            assertRes(32, submitOne(b));
            MemorySegment in = arena.allocate(32);
            assertEquals(32, Sys.read(p[0], in, 32));
            assertEquals(-1, in.mismatch(data));

            // IORING_FILE_INDEX_ALLOC: the kernel picks a free slot and names it in res (slots 0, 1, 3 are free; 6.18 allocates after the last one filled)
            a.sqe().prepMsgRingFd(b.fd(), 0, 0, 0x53, 0).fileIndexRaw(-1).userData(10);
            Done sender = submitOne(a);
            Done alloc = reap(b, 1).get(0);
            assertEquals(0x53, alloc.userData());
            assertTrue(alloc.res() == 0 || alloc.res() == 1 || alloc.res() == 3, "a free slot: " + alloc);
            assertRes(alloc.res(), sender, "both sides learn the allocated slot");
            // CQE_SKIP: the file moves, the target hears nothing (slot 1 filled, written through below)
            a.sqe().prepMsgRingFd(b.fd(), 0, 1, 0x54, Sqe.MSG_RING_CQE_SKIP).userData(11);
            assertRes(0, submitOne(a));
            assertTrue(drainFor(b, 20).isEmpty(), "CQE_SKIP: no CQE on the target");
            b.sqe().prepWrite(1, data, -1).flags(SqeFlags.FIXED_FILE).userData(12);
            assertRes(32, submitOne(b), "slot 1 holds the pipe");
            assertEquals(32, Sys.read(p[0], in, 32));

            // the source is a slot of the sender's table (addr3): slot 3 does not exist there
            a.sqe().prepMsgRingFd(b.fd(), 3, 1, 0x52, 0).userData(9);
            assertRes(-Errno.EBADF, submitOne(a));
            assertTrue(drainFor(b, 10).isEmpty());
        } finally {
            closeAll(p);
        }
    }
}
