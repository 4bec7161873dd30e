package io.uring4j.register;

import io.uring4j.ring.EnterFlags;
import io.uring4j.ring.Ring;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;
import io.uring4j.sys.SyscallNumbers;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static io.uring4j.register.TestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** IORING_REGISTER_RING_FDS + IORING_ENTER_REGISTERED_RING. */
class RegisteredRingFdTest {

    private static long rawEnter(long fdOrIndex, int toSubmit, int minComplete, int flags) {
        return Sys.syscall(SyscallNumbers.IO_URING_ENTER, fdOrIndex, toSubmit, minComplete, flags, 0, 0);
    }

    @Test
    void enterThroughTheRegisteredIndex() throws Exception {
        try (Ring ring = Ring.open(4)) {
            RegisteredRingFd reg = RegisteredRingFd.register(ring);
            int idx = reg.index();
            assertTrue(idx >= 0 && idx < RegisteredRingFd.MAX_PER_THREAD, "index " + idx);

            // the ring now enters with the index: a NOP round trip goes through it
            ring.sqe().prepNop().userData(5);
            assertEquals(5, submitOne(ring).userData());

            // raw: the index names the ring only together with ENTER_REGISTERED_RING
            assertEquals(0, rawEnter(idx, 0, 0, EnterFlags.GETEVENTS | EnterFlags.REGISTERED_RING));
            // from another thread the index means nothing (its io_uring context has no such entry)
            AtomicLong other = new AtomicLong();
            Thread t = new Thread(() -> other.set(rawEnter(idx, 0, 0, EnterFlags.GETEVENTS | EnterFlags.REGISTERED_RING)));
            t.start();
            t.join();
            // a fresh thread has no io_uring task context at all: io_uring_enter answers EINVAL
            assertEquals(-Errno.EINVAL, other.get(), "other thread");
            var e = assertThrows(IllegalStateException.class, () -> RegisteredRingFd.register(ring));
            assertTrue(e.getMessage().contains("already registered at index " + idx), e.getMessage());

            reg.close();
            assertFalse(reg.isRegistered());
            assertEquals(-Errno.EBADF, rawEnter(idx, 0, 0, EnterFlags.GETEVENTS | EnterFlags.REGISTERED_RING),
                    "the index is free again");
            ring.sqe().prepNop().userData(6);
            assertEquals(6, submitOne(ring).userData(), "back on the plain fd");
            reg.close(); // idempotent
        }
    }

    @Test
    void chosenIndexAndLimits() throws Exception {
        try (Ring a = Ring.open(2); Ring b = Ring.open(2)) {
            RegisteredRingFd ra = RegisteredRingFd.register(a, 15);
            assertEquals(15, ra.index());
            RegistrationException busy = assertThrows(RegistrationException.class, () -> RegisteredRingFd.register(b, 15));
            assertEquals("EBUSY", busy.errnoName());
            assertTrue(busy.getMessage().contains("index 15 is taken"), busy.getMessage());
            var bad = assertThrows(IllegalArgumentException.class, () -> RegisteredRingFd.register(b, 16));
            assertTrue(bad.getMessage().contains("index=16: valid 0..15"), bad.getMessage());
            java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    ra.close();
                } catch (Throwable x) {
                    thrown.set(x);
                }
            });
            t.start();
            t.join();
            assertInstanceOf(IllegalStateException.class, thrown.get());
            assertTrue(thrown.get().getMessage().contains("belongs to thread"), thrown.get().getMessage());
            assertTrue(ra.isRegistered(), "another thread cannot unregister it");
        }
        // closing the ring on the registering thread released the index
        try (Ring c = Ring.open(2)) {
            RegisteredRingFd rc = RegisteredRingFd.register(c, 15);
            assertEquals(15, rc.index());
            rc.close();
        }
    }
}
