package io.uring4j.register;

import io.uring4j.ring.Ring;
import io.uring4j.sys.Errno;
import org.junit.jupiter.api.Test;

import static io.uring4j.register.RegWaitTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** Absolute deadlines (IORING_ENTER_ABS_TIMER) through slots, on MONOTONIC and BOOTTIME. */
class RegWaitAbsTimerTest {

    @Test
    void monotonicDeadlineHonoured() throws Exception {
        try (Ring ring = watched(Ring.builder().entries(4).waitSlots(2).build())) {
            WaitRegion region = ring.waitRegion();
            assertEquals(WaitClock.MONOTONIC, region.clock());
            long start = WaitClock.MONOTONIC.now();
            long deadline = start + 60 * MS;
            WaitSlot slot = region.slot(0).deadline(deadline);
            assertTrue(slot.isAbsolute());
            assertEquals(-Errno.ETIME, slot.waitCqes(1));
            long after = WaitClock.MONOTONIC.now();
            assertTrue(after >= deadline, "returned " + (deadline - after) / 1000 + " us before the deadline");
            assertElapsedAtLeast(after - start, 60 * MS, "60 ms deadline");
            long t0;
            // the same deadline, now past: returns at once. Without ABS_TIMER the kernel would read it
            // as a relative timeout of days.
            t0 = System.nanoTime();
            assertEquals(-Errno.ETIME, slot.waitCqes(1));
            assertTrue(System.nanoTime() - t0 < SLACK, "a past deadline must not wait");
            // back to relative on the same slot: ABS_TIMER must not stick
            slot.timeout(20 * MS);
            assertFalse(slot.isAbsolute());
            t0 = System.nanoTime();
            assertEquals(-Errno.ETIME, slot.waitCqes(1));
            assertElapsedAtLeast(System.nanoTime() - t0, 20 * MS, "relative after absolute");
        }
    }

    @Test
    void boottimeClockChosenAtBuild() throws Exception {
        try (Ring ring = watched(Ring.builder().entries(4).waitSlots(WaitRegionSpec.slots(1).clock(WaitClock.BOOTTIME)).build())) {
            WaitRegion region = ring.waitRegion();
            assertEquals(WaitClock.BOOTTIME, region.clock());
            long start = WaitClock.BOOTTIME.now();
            long deadline = start + 50 * MS;
            assertEquals(-Errno.ETIME, region.slot(0).deadline(deadline).waitCqes(1));
            long after = WaitClock.BOOTTIME.now();
            assertTrue(after >= deadline, "returned " + (deadline - after) / 1000 + " us before the BOOTTIME deadline");
            assertElapsedAtLeast(after - start, 50 * MS, "50 ms BOOTTIME deadline");
        }
    }

    @Test
    void clockSwitchedAtRuntimeAppliesToNextDeadline() throws Exception {
        try (Ring ring = watched(Ring.builder().entries(4).waitSlots(1).build())) {
            WaitRegion region = ring.waitRegion();
            WaitSlot slot = region.slot(0);
            region.useClock(WaitClock.BOOTTIME);
            long deadline = WaitClock.BOOTTIME.now() + 40 * MS;
            assertEquals(-Errno.ETIME, slot.deadline(deadline).waitCqes(1));
            assertTrue(WaitClock.BOOTTIME.now() >= deadline);
            region.useClock(WaitClock.MONOTONIC);
            deadline = WaitClock.MONOTONIC.now() + 40 * MS;
            assertEquals(-Errno.ETIME, slot.deadline(deadline).waitCqes(1));
            assertTrue(WaitClock.MONOTONIC.now() >= deadline);
        }
    }

    @Test
    void monotonicClockMatchesSystemNanoTime() {
        // the JDK's nanoTime is CLOCK_MONOTONIC on Linux: the two must agree to well under a millisecond
        long a = System.nanoTime(), m = WaitClock.MONOTONIC.now(), b = System.nanoTime();
        assertTrue(m >= a - MS && m <= b + MS, "MONOTONIC " + m + " outside [" + a + ", " + b + "]");
        assertTrue(WaitClock.BOOTTIME.now() >= m, "BOOTTIME counts suspend time on top of MONOTONIC");
    }
}
