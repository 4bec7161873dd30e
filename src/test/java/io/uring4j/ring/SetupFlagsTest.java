package io.uring4j.ring;

import io.uring4j.ErrnoException;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static io.uring4j.ring.OpsSupport.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

/** Every IORING_SETUP_* flag the builder offers makes a ring that works, and does what the flag says. */
class SetupFlagsTest {
    static final long MS = 1_000_000L;

    /** Three times around the ring: slots, strides and wrap-around all exercised. */
    static void nopsAroundTheRing(Ring ring) {
        int total = ring.sqEntries() * 3;
        BitSet seen = new BitSet(total);
        int next = 0, got = 0;
        while (got < total) {
            Sqe s;
            while (next < total && (s = ring.nextSqe()) != null) s.prepNop().userData(1000 + next++);
            int r = ring.submitAndWait(1);
            assertTrue(r >= 0, "submitAndWait: " + Errno.name(-r));
            got += ring.forEachCqe(c -> {
                assertEquals(0, c.res());
                seen.set((int) c.userData() - 1000);
            });
        }
        assertEquals(total, seen.cardinality());
    }

    @Test
    void sqPollSubmitsWithoutEnterAndIsWokenAfterIdling() throws Exception {
        try (Ring ring = Ring.builder().entries(8).sqPoll(10).build()) {
            assertTrue((ring.setupFlags() & SetupFlags.SQPOLL) != 0);
            // Phase 1: while the poller thread is awake, a submission is a store to the SQ tail only.
            // Wake it with a first submission, then submit again within its 10 ms idle window.
            boolean withoutEnter = false;
            for (int attempt = 0; attempt < 20 && !withoutEnter; attempt++) {
                ring.sqe().prepNop().userData(1);
                ring.submit();
                assertEquals(1, reap(ring, 1).get(0).userData());
                long enters = ring.enterCalls;
                ring.sqe().prepNop().userData(2);
                assertEquals(1, ring.submit());
                long t0 = System.nanoTime();
                while (ring.cqReady() == 0 && System.nanoTime() - t0 < 2_000 * MS) Thread.onSpinWait();
                // a descheduled test thread can miss the idle window; then the Ring had to enter: retry
                withoutEnter = ring.enterCalls == enters && ring.cqReady() == 1;
                reap(ring, 1);
            }
            assertTrue(withoutEnter, "a NOP completed with no io_uring_enter while the SQ thread was awake");

            // Phase 2: idle past sq_thread_idle; the thread sleeps and asks to be woken.
            Thread.sleep(50);
            for (int i = 0; i < 200 && (ring.sqFlags() & RingFlags.SQ_NEED_WAKEUP) == 0; i++) Thread.sleep(10); // CPU-starved poller
            assertTrue((ring.sqFlags() & RingFlags.SQ_NEED_WAKEUP) != 0, "NEED_WAKEUP after the idle period");
            long enters = ring.enterCalls;
            ring.sqe().prepNop().userData(3);
            assertEquals(1, ring.submit());
            assertEquals(enters + 1, ring.enterCalls, "the Ring entered once, with IORING_ENTER_SQ_WAKEUP");
            long t0 = System.nanoTime();
            while (ring.cqReady() == 0 && System.nanoTime() - t0 < 2_000 * MS) Thread.onSpinWait();
            assertEquals(1, ring.cqReady(), "the woken poller submitted the NOP");
            assertEquals(3, reap(ring, 1).get(0).userData());
            nopsAroundTheRing(ring);
        }
    }

    @Test
    void sqPollWithCpuAffinity() throws Exception {
        try (Ring ring = Ring.builder().entries(4).sqPoll(5).sqPollCpu(0).build()) {
            assertEquals(SetupFlags.SQPOLL | SetupFlags.SQ_AFF, ring.setupFlags() & (SetupFlags.SQPOLL | SetupFlags.SQ_AFF));
            nopsAroundTheRing(ring);
        }
        // a CPU that does not exist is refused by the kernel
        var e = assertThrows(ErrnoException.class, () -> Ring.builder().entries(4).sqPoll(5).sqPollCpu(4096).build());
        assertEquals("EINVAL", e.errnoName(), e.getMessage());
    }

    @Test
    void ioPollRingAcceptsNopsAndRefusesNonPollableFiles(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("data");
        Files.write(f, new byte[8192]);
        try (Ring ring = Ring.builder().entries(4).ioPoll().build(); Arena a = Arena.ofConfined()) {
            assertTrue((ring.setupFlags() & SetupFlags.IOPOLL) != 0);
            nopsAroundTheRing(ring);
            MemorySegment buf = a.allocate(4096, 4096);
            int buffered = Sys.open(f.toString(), Sys.O_RDONLY, 0);
            int direct = Sys.open(f.toString(), Sys.O_RDONLY | Sys.O_DIRECT, 0);
            try {
                ring.sqe().prepRead(buffered, buf, 0).userData(1);
                assertRes(-Errno.EOPNOTSUPP, submitOne(ring), "IOPOLL needs O_DIRECT");
                assertTrue(direct >= 0, "O_DIRECT open: " + Errno.name(-direct));
                ring.sqe().prepRead(direct, buf, 0).userData(2);
                Done d = submitOne(ring);
                // polled completions need a block device with poll queues; this VM's virtio disk has none
                // (queue/io_poll = 0), so the kernel refuses with EOPNOTSUPP rather than falling back.
                if (d.res() != 4096) assertRes(-Errno.EOPNOTSUPP, d, "O_DIRECT read on a device without poll queues");
            } finally {
                closeAll(buffered, direct);
            }
        }
    }

    @Test
    void cqSizeAndClamp() throws Exception {
        try (Ring ring = Ring.builder().entries(4).cqEntries(100).build()) {
            assertEquals(4, ring.sqEntries());
            assertEquals(128, ring.cqEntries(), "rounded up to a power of two");
            assertTrue((ring.setupFlags() & SetupFlags.CQSIZE) != 0);
            nopsAroundTheRing(ring);
        }
        try (Ring ring = Ring.builder().entries(100_000).cqEntries(1 << 20).clamp().build()) {
            assertEquals(RingBuilder.MAX_ENTRIES, ring.sqEntries());
            assertEquals(RingBuilder.MAX_CQ_ENTRIES, ring.cqEntries());
        }
    }

    @Test
    void attachWqSharesTheWorkerPool() throws Exception {
        try (Ring first = Ring.open(4); Ring second = Ring.builder().entries(4).attachWq(first).build()) {
            assertTrue((second.setupFlags() & SetupFlags.ATTACH_WQ) != 0);
            for (Ring r : List.of(first, second)) {
                r.sqe().prepNop().userData(5).flags(SqeFlags.ASYNC); // runs on io-wq
                assertRes(0, submitOne(r));
            }
        }
        // attaching to something that is not a ring is refused by the kernel
        try (Ring donor = Ring.open(2)) {
            RingBuilder b = Ring.builder().entries(2).attachWq(donor);
            donor.close(); // its fd number is now closed
            var e = assertThrows(ErrnoException.class, b::build);
            // a closed wq_fd is ENXIO (io_init_wq_offload); had another thread reused the number
            // for a non-ring file, it would be EINVAL
            assertTrue(e.errno() == Errno.ENXIO || e.errno() == Errno.EINVAL, e.getMessage());
        }
    }

    @Test
    void disabledRingRefusesEnterUntilEnabled() throws Exception {
        try (Ring ring = Ring.builder().entries(4).disabled().build()) {
            ring.sqe().prepNop().userData(9);
            assertEquals(-Errno.EBADFD, ring.submit(), "io_uring_enter on an R_DISABLED ring");
            ring.enable();
            assertEquals(1, ring.submit(), "the NOP prepared before enable() goes in now");
            Done d = reap(ring, 1).get(0);
            assertEquals(9, d.userData());
            var e = assertThrows(ErrnoException.class, ring::enable);
            assertEquals("EBADFD", e.errnoName(), "enabling twice: " + e.getMessage());
        }
    }

    @Test
    void submitAllKeepsGoingPastAFailedSqe() throws Exception {
        for (boolean all : new boolean[] {false, true}) {
            RingBuilder b = Ring.builder().entries(8);
            if (all) b.submitAll();
            try (Ring ring = b.build()) {
                ring.sqe().prepNop().userData(1);
                ring.sqe().prepNop().userData(2).raw().set(JAVA_BYTE, 0, (byte) 200); // no such opcode
                ring.sqe().prepNop().userData(3);
                ring.sqe().prepNop().userData(4);
                int r = ring.submit();
                if (all) {
                    assertEquals(4, r, "SUBMIT_ALL consumes the whole batch");
                    assertEquals(0, ring.sqReady());
                } else {
                    assertEquals(2, r, "without SUBMIT_ALL the kernel stops after the failed SQE");
                    assertEquals(2, ring.sqReady(), "the rest stay queued");
                    assertEquals(2, ring.submit());
                }
                List<Done> l = reap(ring, 4);
                assertRes(-Errno.EINVAL, byUserData(l, 2));
                for (long ud : new long[] {1, 3, 4}) assertRes(0, byUserData(l, ud));
            }
        }
    }

    @Test
    void coopTaskrunWithTaskrunFlagCompletesTaskWork() throws Exception {
        try (Ring ring = Ring.builder().entries(4).coopTaskrun().taskrunFlag().build(); Arena a = Arena.ofConfined()) {
            assertEquals(SetupFlags.COOP_TASKRUN | SetupFlags.TASKRUN_FLAG,
                    ring.setupFlags() & (SetupFlags.COOP_TASKRUN | SetupFlags.TASKRUN_FLAG));
            // a timeout completes through task_work: without an IPI the thread runs it at its next
            // kernel entry, and the Ring's waits get it there
            long t0 = System.nanoTime();
            ring.sqe().prepTimeout(Timespec.allocate(a, 5 * MS), 0, 0).userData(1);
            assertRes(-Errno.ETIME, submitOne(ring));
            assertTrue(System.nanoTime() - t0 >= 5 * MS);
            nopsAroundTheRing(ring);
        }
    }

    @Test
    void deferTaskrunPostsCompletionsOnlyWhenTheOwnerWaits() throws Exception {
        try (Ring ring = Ring.builder().entries(4).deferTaskrun().build(); Arena a = Arena.ofConfined()) {
            assertEquals(SetupFlags.DEFER_TASKRUN | SetupFlags.SINGLE_ISSUER,
                    ring.setupFlags() & (SetupFlags.DEFER_TASKRUN | SetupFlags.SINGLE_ISSUER));
            ring.sqe().prepTimeout(Timespec.allocate(a, 5 * MS), 0, 0).userData(1);
            ring.submit();
            Thread.sleep(60); // plenty of syscalls and timer ticks: none of them runs the deferred work
            assertEquals(0, ring.cqReady(), "expired, but the CQE waits for a GETEVENTS enter");
            assertNull(ring.peekCqe(), "without TASKRUN_FLAG the ring gives no hint");
            Cqe c = ring.waitCqe();
            assertEquals(1, c.userData());
            assertEquals(-Errno.ETIME, c.res());
            ring.cqeSeen();
            nopsAroundTheRing(ring);
        }
    }

    @Test
    void deferTaskrunWithTaskrunFlagLetsPeekFlush() throws Exception {
        try (Ring ring = Ring.builder().entries(4).deferTaskrun().taskrunFlag().build(); Arena a = Arena.ofConfined()) {
            ring.sqe().prepTimeout(Timespec.allocate(a, 5 * MS), 0, 0).userData(1);
            ring.submit();
            Thread.sleep(60);
            assertEquals(0, ring.cqReady());
            assertTrue((ring.sqFlags() & RingFlags.SQ_TASKRUN) != 0, "the kernel flags pending task work");
            Cqe c = ring.peekCqe(); // sees SQ_TASKRUN and enters with GETEVENTS to run it
            assertNotNull(c, "peek must flush deferred task work when SQ_TASKRUN is set");
            assertEquals(-Errno.ETIME, c.res());
            ring.cqeSeen();
            assertEquals(0, ring.sqFlags() & RingFlags.SQ_TASKRUN);
        }
    }

    @Test
    void sqe128AndCqe32() throws Exception {
        try (Ring ring = Ring.builder().entries(4).sqe128().build()) {
            assertTrue((ring.setupFlags() & SetupFlags.SQE128) != 0);
            Sqe s = ring.sqe();
            assertTrue(s.isBig());
            assertEquals(128, s.raw().byteSize());
            s.prepNop().userData(1);
            assertRes(0, submitOne(ring));
            nopsAroundTheRing(ring);
        }
        try (Ring ring = Ring.builder().entries(4).cqe32().build()) {
            assertTrue((ring.setupFlags() & SetupFlags.CQE32) != 0);
            ring.sqe().prepNop().userData(77);
            ring.submitAndWait(1);
            Cqe c = ring.peekCqe();
            assertTrue(c.isBig());
            assertEquals(77, c.userData());
            assertEquals(0, c.bigCqe(0));
            assertEquals(0, c.bigCqe(1));
            assertThrows(IndexOutOfBoundsException.class, () -> c.bigCqe(2));
            ring.cqeSeen();
            nopsAroundTheRing(ring); // 32-byte stride: user_data lands where the Ring reads it
        }
        try (Ring ring = Ring.open(2)) {
            ring.sqe().prepNop();
            ring.submitAndWait(1);
            Cqe c = ring.peekCqe();
            assertThrows(IllegalStateException.class, () -> c.bigCqe(0), "16-byte CQEs have no big_cqe");
        }
    }

    @Test
    void singleIssuerKernelRefusesAnotherTask() throws Exception {
        try (Ring ring = Ring.builder().entries(4).singleIssuer().build()) {
            nopsAroundTheRing(ring);
            ring.releaseOwnership(); // get past the library's own check to see the kernel's
            AtomicReference<Integer> r = new AtomicReference<>();
            Thread t = new Thread(() -> {
                ring.sqe().prepNop();
                r.set(ring.submit());
            });
            t.start();
            t.join();
            assertEquals(-Errno.EEXIST, r.get(), "SINGLE_ISSUER: the kernel refuses a second submitter task");
        }
    }

    @Test
    void noSqArrayIsTheDefaultAndTheIndexArrayStillWorks() throws Exception {
        try (Ring ring = Ring.open(4)) {
            assertTrue((ring.setupFlags() & SetupFlags.NO_SQARRAY) != 0, "NO_SQARRAY by default (kernel >= 6.6)");
            nopsAroundTheRing(ring);
        }
        try (Ring ring = Ring.builder().entries(4).noSqArray(false).build()) {
            assertEquals(0, ring.setupFlags() & SetupFlags.NO_SQARRAY);
            nopsAroundTheRing(ring);
        }
    }

    @Test
    void everyFlagCombinationWorks() throws Exception {
        List<Supplier<RingBuilder>> builders = List.of(
                () -> Ring.builder().sqPoll(2).sqPollCpu(0),
                () -> Ring.builder().ioPoll(),
                () -> Ring.builder().cqEntries(64),
                () -> Ring.builder().clamp(),
                () -> Ring.builder().submitAll(),
                () -> Ring.builder().coopTaskrun().taskrunFlag(),
                () -> Ring.builder().sqe128().cqe32(),
                () -> Ring.builder().singleIssuer(),
                () -> Ring.builder().deferTaskrun().taskrunFlag().submitAll(),
                () -> Ring.builder().deferTaskrun().sqe128().cqe32().noSqArray(false),
                () -> Ring.builder().sqPoll(2).sqe128().cqe32().singleIssuer());
        for (Supplier<RingBuilder> b : builders) {
            try (Ring ring = b.get().entries(8).build()) {
                nopsAroundTheRing(ring);
            }
        }
    }
}
