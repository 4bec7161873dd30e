package io.uring4j.ring;

import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static io.uring4j.ring.OpsSupport.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

/** FUTEX_WAIT / FUTEX_WAKE / FUTEX_WAITV and WAITID on real child processes. */
class FutexWaitidTest extends RingOpsTest {
    static final int FLAGS = Sqe.FUTEX2_SIZE_U32 | Sqe.FUTEX2_PRIVATE;
    static final long ANY = Sqe.FUTEX_BITSET_MATCH_ANY;

    @Test
    void waitBlocksUntilWake() {
        MemorySegment word = arena.allocate(JAVA_INT);
        ring.sqe().prepFutexWait(word, 0, ANY, FLAGS).userData(1);
        ring.submit();
        assertTrue(drainFor(ring, 30).isEmpty(), "the word still holds the expected value: the wait sleeps");
        word.set(JAVA_INT, 0, 1);
        ring.sqe().prepFutexWake(word, 1, ANY, FLAGS).userData(2);
        ring.submit();
        List<Done> l = reap(ring, 2);
        assertRes(1, byUserData(l, 2), "one waiter woken");
        assertRes(0, byUserData(l, 1));
    }

    @Test
    void waitOnAChangedValueIsEagainAndWakeWithoutWaitersIsZero() {
        MemorySegment word = arena.allocate(JAVA_INT);
        word.set(JAVA_INT, 0, 7);
        ring.sqe().prepFutexWait(word, 6, ANY, FLAGS).userData(1);
        assertRes(-Errno.EAGAIN, submitOne(ring));
        ring.sqe().prepFutexWake(word, 10, ANY, FLAGS).userData(2);
        assertRes(0, submitOne(ring));
        // futex2 flags are checked: a size other than u32 is refused by io_uring
        ring.sqe().prepFutexWait(word, 7, ANY, Sqe.FUTEX2_SIZE_U64 | Sqe.FUTEX2_PRIVATE).userData(3);
        assertRes(-Errno.EINVAL, submitOne(ring));
    }

    @Test
    void bitsetMasksSelectWaiters() {
        MemorySegment word = arena.allocate(JAVA_INT);
        ring.sqe().prepFutexWait(word, 0, 0b01, FLAGS).userData(1);
        ring.sqe().prepFutexWait(word, 0, 0b10, FLAGS).userData(2);
        ring.submit();
        ring.sqe().prepFutexWake(word, 10, 0b10, FLAGS).userData(3);
        ring.submit();
        List<Done> l = reap(ring, 2);
        assertRes(1, byUserData(l, 3), "only the waiter with a matching bitset (addr3)");
        assertRes(0, byUserData(l, 2));
        ring.sqe().prepFutexWake(word, 10, ANY, FLAGS).userData(4);
        ring.submit();
        l = reap(ring, 2);
        assertRes(1, byUserData(l, 4));
        assertRes(0, byUserData(l, 1));
    }

    @Test
    void waitIsCancellable() {
        MemorySegment word = arena.allocate(JAVA_INT);
        ring.sqe().prepFutexWait(word, 0, ANY, FLAGS).userData(1);
        ring.submit();
        ring.sqe().prepCancel(1, 0).userData(2);
        ring.submit();
        List<Done> l = reap(ring, 2);
        // futex (and waitid, poll) cancellation goes through io_cancel_remove, which counts: res 1, not 0
        assertRes(1, byUserData(l, 2));
        assertRes(-Errno.ECANCELED, byUserData(l, 1));
    }

    @Test
    void waitvReportsWhichFutexWoke() {
        MemorySegment words = arena.allocate(JAVA_INT, 3);
        MemorySegment waitv = arena.allocate(Sqe.FUTEX_WAITV_SIZE * 3, 8);
        for (int i = 0; i < 3; i++) {
            long at = Sqe.FUTEX_WAITV_SIZE * i;
            waitv.set(JAVA_LONG, at, 0); // expected value
            waitv.set(JAVA_LONG, at + 8, words.address() + 4L * i);
            waitv.set(JAVA_INT, at + 16, FLAGS);
        }
        ring.sqe().prepFutexWaitv(waitv, 3).userData(1);
        ring.submit();
        assertTrue(drainFor(ring, 20).isEmpty());
        ring.sqe().prepFutexWake(words.asSlice(8, 4), 1, ANY, FLAGS).userData(2);
        ring.submit();
        List<Done> l = reap(ring, 2);
        assertRes(1, byUserData(l, 2));
        assertRes(2, byUserData(l, 1), "res = index of the futex that woke");
        assertThrows(IllegalArgumentException.class, () -> ring.sqe().prepFutexWaitv(waitv, 4));
    }

    // ------------------------------------------------------------------ WAITID

    static final int SIGCHLD = 17, CLD_EXITED = 1;
    static final long SI_SIGNO = 0, SI_CODE = 8, SI_PID = 16, SI_STATUS = 24;

    /** A child the JDK does not track (its process reaper would race us for the exit status). */
    static int spawn(String... argv) {
        int pid = Sys.posixSpawn(argv[0], argv);
        assertTrue(pid > 0, "posix_spawn " + argv[0] + ": " + Errno.name(-pid));
        return pid;
    }

    @Test
    void waitidCollectsTheExitStatusOfAChild() {
        for (String prog : new String[] {"/bin/true", "/bin/false"}) {
            int pid = spawn(prog);
            MemorySegment info = arena.allocate(128, 8);
            ring.sqe().prepWaitid(Sqe.P_PID, pid, info, Sqe.WEXITED).userData(pid);
            Done d = submitOne(ring);
            assertEquals(pid, d.userData());
            assertRes(0, d);
            assertEquals(SIGCHLD, info.get(JAVA_INT, SI_SIGNO));
            assertEquals(CLD_EXITED, info.get(JAVA_INT, SI_CODE));
            assertEquals(pid, info.get(JAVA_INT, SI_PID));
            assertEquals(prog.endsWith("true") ? 0 : 1, info.get(JAVA_INT, SI_STATUS), prog + " exit status");
        }
    }

    @Test
    void waitidWaitsForARunningChild() {
        long t0 = System.nanoTime();
        int pid = spawn("/bin/sleep", "0.2");
        MemorySegment info = arena.allocate(128, 8);
        ring.sqe().prepWaitid(Sqe.P_PID, pid, info, Sqe.WEXITED).userData(1);
        ring.submit();
        assertTrue(drainFor(ring, 50).isEmpty(), "the child is still sleeping");
        Done d = reap(ring, 1).get(0);
        assertRes(0, d);
        assertTrue(System.nanoTime() - t0 >= 150_000_000L);
        assertEquals(pid, info.get(JAVA_INT, SI_PID));
        assertEquals(0, info.get(JAVA_INT, SI_STATUS));
    }

    @Test
    void waitidForAnyChildAndForANonChild() {
        int pid = spawn("/bin/sh", "-c", "exit 3");
        MemorySegment info = arena.allocate(128, 8);
        ring.sqe().prepWaitid(Sqe.P_ALL, 0, info, Sqe.WEXITED).userData(1);
        assertRes(0, submitOne(ring));
        assertEquals(pid, info.get(JAVA_INT, SI_PID), "P_ALL found our only untracked child");
        assertEquals(3, info.get(JAVA_INT, SI_STATUS));

        ring.sqe().prepWaitid(Sqe.P_PID, 1, info, Sqe.WEXITED).userData(2);
        assertRes(-Errno.ECHILD, submitOne(ring), "pid 1 is not our child");
        ring.sqe().prepWaitid(Sqe.P_PID, pid, MemorySegment.NULL, Sqe.WEXITED).userData(3);
        assertRes(-Errno.ECHILD, submitOne(ring), "already reaped");
    }
}
