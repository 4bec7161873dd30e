package io.uring4j.uffd;

import io.uring4j.ring.Cqe;
import io.uring4j.ring.Ring;
import io.uring4j.sys.UffdMsg;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** An io_uring READ on an O_NONBLOCK uffd waits (internal poll) and completes with the fault messages. */
class UffdIoUringReadTest {
    static final long P = Mem.PAGE;

    @Test
    void readCompletesWhenAFaultArrives() throws Exception {
        try (Arena arena = Arena.ofConfined(); Ring ring = Ring.open(4);
             Userfaultfd u = Userfaultfd.builder().nonBlocking(true).require(UffdFeature.THREAD_ID).open()) {
            MemorySegment m = Mem.anon(arena, 4 * P);
            u.register(m, RegisterMode.MISSING);
            MemorySegment buf = arena.allocate(4 * UffdMsg.SIZE, 8);
            ring.sqe().prepRead(u.fd(), buf, -1).userData(7);
            assertEquals(1, ring.submit());
            assertEquals(-62 /* ETIME */, ring.waitCqes(1, 100_000_000L), "no fault yet: the read must wait, not fail with EAGAIN");
            Mem.Faulter f = Mem.Faulter.populate(m.address() + 2 * P, P, false);
            assertEquals(1, ring.waitCqes(1, 5_000_000_000L), "the fault's message completes the read within 5 s");
            Cqe c = ring.peekCqe();
            assertNotNull(c);
            assertEquals(7, c.userData());
            assertEquals(UffdMsg.SIZE, c.res(), "one message");
            ring.cqeSeen();
            UffdEvent.PageFault pf = (UffdEvent.PageFault) Userfaultfd.decode(buf, 0);
            assertEquals(m.address() + 2 * P, pf.address());
            assertEquals(f.tid.get(), pf.threadId());
            assertEquals(P, u.zeropage(m.asSlice(2 * P, P), 0));
            assertEquals(0, f.result.get(5, TimeUnit.SECONDS));
        }
    }
}
