package io.uring4j.uffd;

import io.uring4j.ErrnoException;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Waiting for events on a non-blocking uffd with a deadline, so a missing event fails instead of hanging. */
final class Events {
    private Events() {}

    static List<UffdEvent> await(Userfaultfd u, int max) throws ErrnoException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            int r = u.poll(100);
            if (r > 0) {
                List<UffdEvent> ev = u.readEvents(max);
                if (!ev.isEmpty()) return ev;
            }
        }
        return fail("no userfaultfd event within 10 s");
    }

    static <T extends UffdEvent> T next(Userfaultfd u, Class<T> type) throws ErrnoException {
        List<UffdEvent> ev = await(u, 1);
        assertTrue(type.isInstance(ev.get(0)), "expected " + type.getSimpleName() + ", got " + ev.get(0));
        return type.cast(ev.get(0));
    }

    static void assertNone(Userfaultfd u, int waitMillis) {
        int r = u.poll(waitMillis);
        assertTrue(r == 0, "expected no event, poll returned " + r);
    }
}
