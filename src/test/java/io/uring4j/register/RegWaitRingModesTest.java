package io.uring4j.register;

import io.uring4j.ring.Ring;
import io.uring4j.ring.SetupFlags;
import io.uring4j.sys.Errno;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.uring4j.register.RegWaitTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** Slot waits on DEFER_TASKRUN and SQPOLL rings (both set up disabled, then enabled by the builder). */
class RegWaitRingModesTest {

    @Test
    void deferTaskrunCompletionRunsInsideSlotWait() throws Exception {
        int[] p = pipe();
        try (Ring ring = watched(Ring.builder().entries(8).deferTaskrun().waitSlots(2).build()); Arena a = Arena.ofConfined()) {
            assertTrue((ring.setupFlags() & SetupFlags.DEFER_TASKRUN) != 0);
            WaitSlot slot = ring.waitRegion().slot(1).timeout(3_000 * MS);
            MemorySegment buf = a.allocate(8);
            ring.sqe().prepRead(p[0], buf, 0).userData(11);
            assertEquals(1, ring.submit());
            Thread w = writeLater(p[1], 40);
            // the read's completion is deferred task work: it only runs when this (issuing) thread waits
            long t0 = System.nanoTime();
            assertEquals(1, ring.waitCqes(1, slot));
            long took = System.nanoTime() - t0;
            w.join();
            assertTrue(took >= 30 * MS && took < 2_000 * MS, "woke after " + took / 1000 + " us; write came at 40 ms");
            assertEquals(11, reap(ring, 1));
            assertEquals(42, buf.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
            // and a plain timeout on the same DEFER_TASKRUN ring
            slot.timeout(25 * MS);
            t0 = System.nanoTime();
            assertEquals(-Errno.ETIME, slot.waitCqes(1));
            assertElapsedAtLeast(System.nanoTime() - t0, 25 * MS, "DEFER_TASKRUN slot timeout");
        } finally {
            closeAll(p);
        }
    }

    @Test
    void deferTaskrunMinWaitBatching() throws Exception {
        int[] p = pipe();
        try (Ring ring = watched(Ring.builder().entries(8).deferTaskrun().waitSlots(1).build()); Arena a = Arena.ofConfined()) {
            WaitSlot slot = ring.waitRegion().slot(0).timeout(3_000 * MS).minWaitMicros(100_000);
            ring.sqe().prepRead(p[0], a.allocate(8), 0).userData(12);
            ring.submit();
            Thread w = writeLater(p[1], 20);
            long t0 = System.nanoTime();
            assertEquals(1, ring.waitCqes(4, slot));
            w.join();
            assertElapsedAtLeast(System.nanoTime() - t0, 100 * MS, "DEFER_TASKRUN min-wait");
            assertEquals(12, reap(ring, 1));
        } finally {
            closeAll(p);
        }
    }

    @Test
    void sqpollSubmitAndWaitThroughSlot() throws Exception {
        try (Ring ring = watched(Ring.builder().entries(8).sqPoll(10).waitSlots(2).build())) {
            assertTrue((ring.setupFlags() & SetupFlags.SQPOLL) != 0);
            WaitSlot slot = ring.waitRegion().slot(0).timeout(2_000 * MS);
            for (int i = 0; i < 3; i++) {
                // let the poller go idle (10 ms) so the submit needs the SQ_WAKEUP path at least once
                if (i == 1) Thread.sleep(50);
                ring.sqe().prepNop().userData(100 + i);
                long t0 = System.nanoTime();
                assertTrue(ring.submitAndWait(1, slot) >= 1);
                assertTrue(System.nanoTime() - t0 < SLACK, "NOP under SQPOLL must not run into the 2 s timeout");
                assertEquals(100 + i, reap(ring, 0));
            }
            WaitSlot shortSlot = ring.waitRegion().slot(1).timeout(30 * MS);
            long t0 = System.nanoTime();
            assertEquals(-Errno.ETIME, ring.waitCqes(1, shortSlot));
            assertElapsedAtLeast(System.nanoTime() - t0, 30 * MS, "SQPOLL slot timeout");
        }
    }
}
