package io.uring4j.ring;

import io.uring4j.sys.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static io.uring4j.ring.OpsSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** Mistakes are refused before the kernel sees them, with the documented exception and a message naming the rule. */
class MisuseTest {

    static void refused(Class<? extends Throwable> type, Supplier<RingBuilder> b, String... mustContain) {
        Throwable t = assertThrows(type, () -> b.get().build().close());
        for (String s : mustContain) assertTrue(t.getMessage().contains(s), "message '" + t.getMessage() + "' lacks '" + s + "'");
    }

    @Test
    void setupPrerequisitesAreCheckedClientSideWithTheRuleNamed() {
        Class<IllegalArgumentException> iae = IllegalArgumentException.class;
        refused(iae, () -> Ring.builder().sqPollCpu(0), "SQ_AFF", "requires SQPOLL");
        refused(iae, () -> Ring.builder().taskrunFlag(), "TASKRUN_FLAG requires COOP_TASKRUN or DEFER_TASKRUN");
        refused(iae, () -> Ring.builder().flags(SetupFlags.DEFER_TASKRUN), "DEFER_TASKRUN requires SINGLE_ISSUER");
        refused(iae, () -> Ring.builder().deferTaskrun().sqPoll(1), "DEFER_TASKRUN cannot be combined with SQPOLL");
        refused(iae, () -> Ring.builder().flags(SetupFlags.HYBRID_IOPOLL), "HYBRID_IOPOLL requires IOPOLL");
        refused(iae, () -> Ring.builder().flags(SetupFlags.REGISTERED_FD_ONLY), "REGISTERED_FD_ONLY requires NO_MMAP");
        refused(iae, () -> Ring.builder().flags(SetupFlags.ATTACH_WQ), "ATTACH_WQ requires");
        refused(iae, () -> Ring.builder().entries(8).cqEntries(4), "cqEntries=4", ">= entries=8");
        refused(iae, () -> Ring.builder().cqEntries(70_000), "cqEntries=70000", "65536", "clamp");
        refused(iae, () -> Ring.builder().entries(0), "entries=0", "32768");
        refused(iae, () -> Ring.builder().entries(40_000), "entries=40000", "32768");
        refused(iae, () -> Ring.builder().entries(-5).clamp(), "entries=-5");
        refused(iae, () -> Ring.builder().flags(1 << 19), "unknown IORING_SETUP bits 0x80000");
        refused(iae, () -> Ring.builder().flags(1 << 31), "unknown IORING_SETUP bits 0x80000000");
        refused(iae, () -> Ring.builder().sqPoll(-1), "idle=-1");
        refused(UnsupportedOperationException.class, () -> Ring.builder().flags(SetupFlags.NO_MMAP), "NO_MMAP");
        refused(UnsupportedOperationException.class, () -> Ring.builder().flags(SetupFlags.CQE_MIXED), "CQE_MIXED");
    }

    @Test
    void useAfterCloseIsIllegalStateEverywhere() throws Exception {
        Ring ring = Ring.open(4);
        Sqe held = ring.sqe(); // a view kept past close
        ring.close();
        assertTrue(ring.isClosed());
        Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("nextSqe", ring::nextSqe);
        calls.put("sqe", ring::sqe);
        calls.put("submit", ring::submit);
        calls.put("submitAndWait", () -> ring.submitAndWait(1));
        calls.put("timed wait", () -> ring.waitCqes(1, 1000));
        calls.put("peekCqe", ring::peekCqe);
        calls.put("waitCqe", ring::waitCqe);
        calls.put("forEachCqe", () -> ring.forEachCqe(c -> {}));
        calls.put("cqAdvance", () -> ring.cqAdvance(1));
        calls.put("enter", () -> ring.enter(0, 0, 0, 0, 0));
        calls.put("register", () -> ring.register(RegisterOp.PROBE, null, 0));
        calls.put("probe", ring::probe);
        calls.put("enable", ring::enable);
        calls.put("held SQE view", held::prepNop);
        calls.put("cqReady", ring::cqReady);
        for (var e : calls.entrySet()) {
            var t = assertThrows(IllegalStateException.class, e.getValue(), e.getKey() + " after close");
            assertNotNull(t.getMessage(), e.getKey());
        }
        assertTrue(assertThrows(IllegalStateException.class, ring::submit).getMessage().contains("closed"));
        ring.close(); // idempotent
        ring.close();
    }

    @Test
    void closeFromAnotherThreadIsAllowedAndIdempotent() throws Exception {
        Ring ring = Ring.open(4);
        ring.sqe().prepNop();
        ring.submit(); // owned by this thread now
        AtomicReference<Throwable> err = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                ring.close();
                ring.close();
            } catch (Throwable e) {
                err.set(e);
            }
        });
        t.start();
        t.join();
        assertNull(err.get());
        assertTrue(ring.isClosed());
        assertThrows(IllegalStateException.class, ring::submit);
    }

    @Test
    void ownershipMovesOnlyWhenTheOwnerReleasesIt() throws Exception {
        try (Ring ring = Ring.open(4)) {
            ring.sqe().prepNop().userData(1);
            AtomicReference<Throwable> err = new AtomicReference<>();
            Thread other = new Thread(() -> {
                try {
                    ring.releaseOwnership();
                } catch (Throwable e) {
                    err.set(e);
                }
            });
            other.start();
            other.join();
            assertInstanceOf(IllegalStateException.class, err.get(), "a non-owner cannot release");
            ring.releaseOwnership();
            AtomicReference<Done> got = new AtomicReference<>();
            Thread next = new Thread(() -> got.set(submitOne(ring)));
            next.start();
            next.join();
            assertEquals(1, got.get().userData(), "the new owner submitted what the old one prepared");
            assertThrows(IllegalStateException.class, ring::nextSqe, "and the old owner is now refused");
        }
    }

    @Test
    void fullSubmissionQueueIsASignalNotADrop() throws Exception {
        try (Ring ring = Ring.open(4)) {
            for (int i = 0; i < 4; i++) ring.sqe().prepNop().userData(i);
            assertNull(ring.nextSqe());
            var e = assertThrows(IllegalStateException.class, ring::sqe);
            assertTrue(e.getMessage().contains("submission queue full") && e.getMessage().contains("4"), e.getMessage());
            assertEquals(0, ring.sqSpace());
            assertEquals(4, ring.submit());
            assertEquals(4, reap(ring, 4).size());
            assertNotNull(ring.nextSqe());
        }
    }

    @Test
    void badArgumentsAreRefusedWithTheLimitNamed() throws Exception {
        try (Ring ring = Ring.open(8); Arena a = Arena.ofConfined()) {
            var e = assertThrows(IllegalArgumentException.class, () -> ring.sqe().prepNop().flags(0x80));
            assertTrue(e.getMessage().contains("unknown IOSQE bits 0x80"), e.getMessage());
            // a length the 32-bit len field cannot carry (no memory behind it is touched)
            MemorySegment huge = MemorySegment.ofAddress(a.allocate(8).address()).reinterpret(3L << 30);
            e = assertThrows(IllegalArgumentException.class, () -> ring.sqe().prepRead(0, huge, 0));
            assertTrue(e.getMessage().contains("length=3221225472") && e.getMessage().contains("2147483647"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ring.sqe().prepReadv(0, a.allocate(32), 3, 0));
            assertTrue(e.getMessage().contains("nr=3"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ring.sqe().prepWritev(0, a.allocate(16 * 1025), 1025, 0));
            assertTrue(e.getMessage().contains("1024"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ring.sqe().prepPipe(a.allocate(4), 0));
            assertThrows(IllegalArgumentException.class, () -> ring.sqe().prepFadvise(0, 0, -1, 0));
            assertThrows(IllegalArgumentException.class, () -> ring.sqe().prepEpollWait(0, a.allocate(8), 1, 0));
            assertThrows(IllegalArgumentException.class, () -> ring.waitCqes(1, -1));
            assertThrows(IllegalArgumentException.class, () -> ring.submitAndWait(1, 10, -1));
            assertThrows(IllegalArgumentException.class, () -> Timespec.allocate(a, -1));
            // every refused prep left a silent NOP: submitting posts nothing
            int n = ring.submit();
            assertEquals(7, n, "the refused preps' slots are consumed");
            assertTrue(drainFor(ring, 20).isEmpty(), "no stray CQE from a refused prep");
        }
    }

    @Test
    void heapSegmentsAreRefusedByEveryPrep() throws Exception {
        MemorySegment heap = MemorySegment.ofArray(new byte[256]);
        try (Ring ring = Ring.open(64); Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(256, 8);
            Map<String, Consumer<Sqe>> preps = new LinkedHashMap<>();
            preps.put("read", s -> s.prepRead(0, heap, 0));
            preps.put("write", s -> s.prepWrite(0, heap, 0));
            preps.put("readv", s -> s.prepReadv(0, heap, 1, 0));
            preps.put("writev", s -> s.prepWritev(0, heap, 1, 0));
            preps.put("madvise", s -> s.prepMadvise(heap, 0));
            preps.put("openat", s -> s.prepOpenat(0, heap, 0, 0));
            preps.put("openat2 path", s -> s.prepOpenat2(0, heap, n));
            preps.put("openat2 how", s -> s.prepOpenat2(0, n, heap));
            preps.put("statx", s -> s.prepStatx(0, n, 0, 0, heap));
            preps.put("renameat", s -> s.prepRenameat(0, n, 0, heap, 0));
            preps.put("unlinkat", s -> s.prepUnlinkat(0, heap, 0));
            preps.put("mkdirat", s -> s.prepMkdirat(0, heap, 0));
            preps.put("symlinkat", s -> s.prepSymlinkat(heap, 0, n));
            preps.put("linkat", s -> s.prepLinkat(0, heap, 0, n, 0));
            preps.put("pipe", s -> s.prepPipe(heap, 0));
            preps.put("timeout", s -> s.prepTimeout(heap, 0, 0));
            preps.put("timeout update", s -> s.prepTimeoutUpdate(heap, 1, 0));
            preps.put("link timeout", s -> s.prepLinkTimeout(heap, 0));
            preps.put("epoll_ctl", s -> s.prepEpollCtl(0, 0, 1, heap));
            preps.put("epoll_wait", s -> s.prepEpollWait(0, heap, 1, 0));
            preps.put("bind", s -> s.prepBind(0, heap));
            preps.put("connect", s -> s.prepConnect(0, heap));
            preps.put("accept addr", s -> s.prepAccept(0, heap, n, 0));
            preps.put("accept addrlen", s -> s.prepAccept(0, n, heap, 0));
            preps.put("send", s -> s.prepSend(0, heap, 0));
            preps.put("sendto addr", s -> s.prepSendto(0, n, 0, heap));
            preps.put("recv", s -> s.prepRecv(0, heap, 0));
            preps.put("sendmsg", s -> s.prepSendmsg(0, heap, 0));
            preps.put("recvmsg", s -> s.prepRecvmsg(0, heap, 0));
            preps.put("send_zc", s -> s.prepSendZc(0, heap, 0, 0));
            preps.put("sendmsg_zc", s -> s.prepSendmsgZc(0, heap, 0));
            preps.put("futex wait", s -> s.prepFutexWait(heap, 0, 0, 0));
            preps.put("futex wake", s -> s.prepFutexWake(heap, 0, 0, 0));
            preps.put("futex waitv", s -> s.prepFutexWaitv(heap, 1));
            preps.put("waitid", s -> s.prepWaitid(0, 0, heap, 0));
            preps.put("fsetxattr", s -> s.prepFsetxattr(0, n, heap, 0));
            preps.put("getxattr", s -> s.prepGetxattr(heap, n, n));
            for (var e : preps.entrySet()) {
                Sqe s = ring.sqe();
                var t = assertThrows(IllegalArgumentException.class, () -> e.getValue().accept(s), e.getKey());
                assertTrue(t.getMessage().contains("heap segment"), e.getKey() + ": " + t.getMessage());
            }
            var t = assertThrows(IllegalArgumentException.class, () -> Iovecs.of(a, heap));
            assertTrue(t.getMessage().contains("heap segment"), t.getMessage());
            assertThrows(IllegalArgumentException.class, () -> MsgHdr.allocate(a, heap, 1));
            ring.submit();
            assertTrue(drainFor(ring, 20).isEmpty(), "refused preps post nothing");
        }
    }

    @Test
    void cqeResultsNameTheirErrno() throws Exception {
        try (Ring ring = Ring.open(2); Arena a = Arena.ofConfined()) {
            ring.sqe().prepRead(9999, a.allocate(8), 0).userData(1);
            ring.submitAndWait(1);
            Cqe c = ring.peekCqe();
            assertEquals("EBADF", c.errnoName());
            assertTrue(c.toString().contains("-EBADF"), c.toString());
            ring.cqeSeen();
            ring.sqe().prepNop();
            ring.submitAndWait(1);
            assertNull(ring.peekCqe().errnoName(), "success has no errno");
            assertEquals("ETIME", Errno.name(-62));
        }
    }
}
