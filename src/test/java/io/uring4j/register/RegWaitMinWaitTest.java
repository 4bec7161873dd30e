package io.uring4j.register;

import io.uring4j.ring.Ring;
import io.uring4j.sys.Errno;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.uring4j.register.RegWaitTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * min_wait_usec through a slot: a wait for n completions returns once min-wait has passed if at
 * least one has arrived, instead of holding out for all n until the timeout.
 * (Events come from a pipe read, not a TIMEOUT SQE: a completing TIMEOUT wakes every waiter.)
 */
class RegWaitMinWaitTest {

    @Test
    void returnsAfterMinWaitWithFewerThanAsked() throws Exception {
        int[] p = pipe();
        try (Ring ring = watched(Ring.builder().entries(8).waitSlots(2).build()); Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(16);
            WaitSlot batching = ring.waitRegion().slot(0).timeout(3_000 * MS).minWaitMicros(120_000);
            assertEquals(120_000, batching.minWaitMicros());
            ring.sqe().prepRead(p[0], buf, 0).userData(1);
            assertEquals(1, ring.submit());
            Thread w = writeLater(p[1], 20);
            long t0 = System.nanoTime();
            int r = ring.waitCqes(8, batching);
            long took = System.nanoTime() - t0;
            w.join();
            assertEquals(1, r, "one of the 8 asked for is ready when min-wait ends");
            assertElapsedAtLeast(took, 120 * MS, "min-wait 120 ms with 1 of 8 CQEs");
            assertEquals(1, reap(ring, 1));
        } finally {
            closeAll(p);
        }
    }

    @Test
    void withoutMinWaitTheSameWaitHoldsOutUntilTimeout() throws Exception {
        int[] p = pipe();
        try (Ring ring = watched(Ring.builder().entries(8).waitSlots(1).build()); Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(16);
            WaitSlot slot = ring.waitRegion().slot(0).timeout(300 * MS).minWaitMicros(120_000);
            slot.minWaitMicros(0); // changed in place: min-wait off
            ring.sqe().prepRead(p[0], buf, 0).userData(2);
            ring.submit();
            Thread w = writeLater(p[1], 20);
            long t0 = System.nanoTime();
            int r = ring.waitCqes(8, slot);
            long took = System.nanoTime() - t0;
            w.join();
            // the timeout ends the wait with a CQE in the ring: the kernel then reports success, not ETIME
            assertEquals(1, r);
            assertElapsedAtLeast(took, 300 * MS, "no min-wait: full 300 ms timeout");
            assertEquals(2, reap(ring, 1));
        } finally {
            closeAll(p);
        }
    }

    @Test
    void minWaitWithNothingArrivedKeepsWaitingToTheTimeout() throws Exception {
        try (Ring ring = watched(Ring.builder().entries(4).waitSlots(1).build())) {
            WaitSlot slot = ring.waitRegion().slot(0).timeout(200 * MS).minWaitMicros(30_000);
            long t0 = System.nanoTime();
            assertEquals(-Errno.ETIME, ring.waitCqes(2, slot));
            assertElapsedAtLeast(System.nanoTime() - t0, 200 * MS, "min-wait expired with no CQE: on to the timeout");
        }
    }
}
