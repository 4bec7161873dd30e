package io.uring4j.register;

import io.uring4j.ring.Ring;
import io.uring4j.sys.Errno;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.uring4j.register.RegWaitTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** Relative timeouts through registered slots, changed in place, several slots, both memory kinds. */
class RegWaitTimeoutTest {

    @Test
    void timeoutHonouredThroughSlot() throws Exception {
        try (Ring ring = watched(Ring.builder().entries(4).waitSlots(4).build())) {
            WaitRegion region = ring.waitRegion();
            assertTrue(region.isRegistered(), "6.18 has registered waits: no fallback expected");
            assertFalse(region.isKernelAllocated());
            WaitSlot slot = region.slot(0).timeout(Duration.ofMillis(30));
            long t0 = System.nanoTime();
            int r = ring.waitCqes(1, slot);
            long took = System.nanoTime() - t0;
            assertEquals(-Errno.ETIME, r);
            assertElapsedAtLeast(took, 30 * MS, "30 ms slot timeout");
        }
    }

    @Test
    void slotChangedInPlaceChangesNextWait() throws Exception {
        try (Ring ring = watched(Ring.builder().entries(4).waitSlots(1).build())) {
            WaitSlot slot = ring.waitRegion().slot(0);
            long[] asked = {5 * MS, 150 * MS, 5 * MS, 60 * MS};
            for (long want : asked) {
                slot.timeout(want); // a plain store into the registered page; nothing is re-registered
                assertEquals(want, slot.timeoutNanos());
                long t0 = System.nanoTime();
                assertEquals(-Errno.ETIME, slot.waitCqes(1));
                long took = System.nanoTime() - t0;
                assertElapsedAtLeast(took, want, want / MS + " ms after in-place change");
                if (want == 5 * MS) assertTrue(took < 150 * MS, "short timeout must not keep the old 150 ms: " + took / 1000 + " us");
            }
        }
    }

    @Test
    void severalSlotsUsedAlternately() throws Exception {
        long[] timeouts = {3 * MS, 40 * MS, 90 * MS};
        try (Ring ring = watched(Ring.builder().entries(4).waitSlots(timeouts.length).build())) {
            WaitRegion region = ring.waitRegion();
            for (int i = 0; i < timeouts.length; i++) region.slot(i).timeout(timeouts[i]);
            assertSame(region.slot(1), region.slot(1), "slot(i) is one object per index");
            for (int round = 0; round < 2; round++) {
                for (int i = timeouts.length - 1; i >= 0; i--) {
                    long t0 = System.nanoTime();
                    assertEquals(-Errno.ETIME, ring.waitCqes(1, region.slot(i)));
                    long took = System.nanoTime() - t0;
                    assertElapsedAtLeast(took, timeouts[i], "slot " + i);
                    if (i == 0) assertTrue(took < timeouts[1], "slot 0 (3 ms) took " + took / 1000 + " us: read another slot?");
                }
            }
        }
    }

    @Test
    void completionEndsSlotWaitAndSubmitGoesThroughSlotCall() throws Exception {
        try (Ring ring = watched(Ring.builder().entries(4).waitSlots(2).build())) {
            WaitSlot slot = ring.waitRegion().slot(1).timeout(Duration.ofSeconds(5));
            ring.sqe().prepNop().userData(77);
            ring.sqe().prepNop().userData(78);
            long t0 = System.nanoTime();
            assertEquals(2, ring.submitAndWait(2, slot));
            assertTrue(System.nanoTime() - t0 < SLACK, "NOPs complete at once, the 5 s timeout must not be hit");
            assertEquals(77, reap(ring, 0));
            assertEquals(78, reap(ring, 0));
            // no timeout at all: the wait ends with the completion
            slot.noTimeout();
            assertFalse(slot.hasTimeout());
            ring.sqe().prepNop().userData(79);
            assertEquals(1, slot.submitAndWait(1));
            assertEquals(79, reap(ring, 0));
        }
    }

    @Test
    void plainTimedWaitsStillWorkOnARingWithSlots() throws Exception {
        try (Ring ring = watched(Ring.builder().entries(4).waitSlots(1).build())) {
            long t0 = System.nanoTime();
            assertEquals(-Errno.ETIME, ring.waitCqes(1, 20 * MS));
            assertElapsedAtLeast(System.nanoTime() - t0, 20 * MS, "EXT_ARG path");
            ring.sqe().prepNop().userData(5);
            assertEquals(1, ring.submitAndWait(1, 1_000 * MS, 0));
            assertEquals(5, reap(ring, 0));
        }
    }

    @Test
    void kernelAllocatedRegionIsMappedAtReportedOffset() throws Exception {
        try (Ring ring = watched(Ring.builder().entries(4).waitSlots(WaitRegionSpec.slots(100).kernelAllocated()).build())) {
            WaitRegion region = ring.waitRegion();
            assertTrue(region.isRegistered());
            assertTrue(region.isKernelAllocated());
            assertEquals(0x20000000L, region.mmapOffset(), "IORING_MAP_OFF_PARAM_REGION reported back in mmap_offset");
            assertEquals(8192, region.byteSize(), "100 x 64 B rounded up to pages");
            // the kernel reads the slot from its own pages, which the library wrote through the mapping
            WaitSlot last = region.slot(99).timeout(25 * MS);
            long t0 = System.nanoTime();
            assertEquals(-Errno.ETIME, last.waitCqes(1));
            assertElapsedAtLeast(System.nanoTime() - t0, 25 * MS, "kernel-allocated slot 99");
            last.timeout(70 * MS);
            t0 = System.nanoTime();
            assertEquals(-Errno.ETIME, last.waitCqes(1));
            assertElapsedAtLeast(System.nanoTime() - t0, 70 * MS, "kernel-allocated slot 99 changed in place");
        }
    }
}
