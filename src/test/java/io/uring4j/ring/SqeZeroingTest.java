package io.uring4j.ring;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link Ring#nextSqe()} hands out zeroed entries without writing them on the hot path: the ring
 * clears consumed slots in bulk when it re-reads the kernel's SQ head. These tests dirty every
 * byte of each entry, let the kernel consume it, and check that the slot comes back zero —
 * across wrap-around, partial batches and a full queue.
 */
class SqeZeroingTest {

    /** Fills the entry with 0xA5 bytes, then makes it a valid NOP the kernel will consume. */
    private static void dirtyNop(Sqe s, long userData) {
        s.raw().fill((byte) 0xA5);
        // prepNop writes opcode, flags, ioprio, fd, off, addr, len and the op-flags word as liburing
        // does; the rest (buf_index, personality, file_index, addr3, pad) must be cleared by hand or
        // the kernel rejects the NOP (unknown personality, non-zero pad)
        s.prepNop().userData(userData);
        s.raw().asSlice(40, 24).fill((byte) 0); // an SQE128 keeps its dirty upper half: a NOP never reads it
    }

    private static void assertZero(Sqe s, String when) {
        MemorySegment raw = s.raw();
        for (long i = 0; i < raw.byteSize(); i++)
            assertEquals(0, raw.get(JAVA_BYTE, i), when + ": byte " + i + " of the SQE is not zero");
    }

    @Test
    void consumedSlotsComeBackZeroAcrossWrapAround() throws Exception {
        try (Ring ring = Ring.open(4)) {
            long ud = 0;
            // batches of 3 on a 4-entry ring: every refresh of the head clears a range that wraps
            for (int round = 0; round < 20; round++) {
                for (int i = 0; i < 3; i++) {
                    Sqe s = ring.nextSqe();
                    assertNotNull(s, "round " + round + " entry " + i);
                    assertZero(s, "round " + round + " entry " + i);
                    dirtyNop(s, ++ud);
                }
                assertEquals(3, ring.submitAndWait(3));
                int[] seen = {0};
                ring.forEachCqe(c -> seen[0]++);
                assertEquals(3, seen[0]);
            }
            assertEquals(0, ring.sqDropped(), "the kernel took every dirtied-then-prepared NOP as valid");
        }
    }

    @Test
    void fullQueueStillReturnsNullAndRecoversZeroed() throws Exception {
        try (Ring ring = Ring.open(8)) {
            for (int i = 0; i < 8; i++) dirtyNop(ring.sqe(), i);
            assertNull(ring.nextSqe(), "a full SQ returns null");
            assertEquals(8, ring.submitAndWait(8));
            assertEquals(8, ring.forEachCqe(c -> assertEquals(0, c.res())));
            for (int i = 0; i < 8; i++) assertZero(ring.sqe(), "after the kernel consumed a full queue, entry " + i);
            assertNull(ring.nextSqe());
            assertEquals(8, ring.submitAndWait(8));
        }
    }

    @Test
    void bigSqesAreZeroedWhole() throws Exception {
        try (Ring ring = Ring.builder().entries(2).sqe128().build()) {
            for (int round = 0; round < 5; round++) {
                Sqe s = ring.sqe();
                assertEquals(128, s.raw().byteSize());
                assertZero(s, "SQE128 round " + round);
                dirtyNop(s, round);
                assertEquals(1, ring.submitAndWait(1));
                assertEquals(1, ring.forEachCqe(c -> {}));
            }
        }
    }
}
