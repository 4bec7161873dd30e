package io.uring4j.ring;

import io.uring4j.sys.Sys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;

/**
 * The fixture of the per-op tests: a fresh ring and a confined arena per test, and the fds a
 * test hands to {@link #own}. JUnit runs this class's {@code @BeforeEach} before a subclass's and
 * its {@code @AfterEach} after, so a subclass's own setup may use the ring, and its teardown runs
 * while the ring is still open; owned fds are closed before the ring.
 */
abstract class RingOpsTest {
    private final int entries;
    Ring ring;
    Arena arena;
    /** Closed after each test (a test that closes one itself removes it first). */
    final List<Integer> fds = new ArrayList<>();

    RingOpsTest() {
        this(16);
    }

    RingOpsTest(int entries) {
        this.entries = entries;
    }

    @BeforeEach
    final void openRing() throws Exception {
        ring = Ring.open(entries);
        arena = Arena.ofConfined();
    }

    @AfterEach
    final void closeRing() {
        for (int fd : fds) Sys.close(fd);
        ring.close();
        arena.close();
    }

    /** Closes {@code fd} after the test (if it is valid); returns it. */
    int own(int fd) {
        if (fd >= 0) fds.add(fd);
        return fd;
    }
}
