package io.uring4j.ring;

import io.uring4j.IoUringUnavailableException;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;
import io.uring4j.sys.SyscallNumbers;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicReference;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.*;

/**
 * io_uring made unavailable the way a container does it: a seccomp filter that fails
 * io_uring_setup with EPERM (or ENOSYS). The filter is installed on a throw-away thread only
 * (prctl(PR_SET_SECCOMP) without TSYNC binds the calling thread), so the rest of the JVM and every
 * other process keep io_uring. (The global sysctl kernel.io_uring_disabled=2 would do the same
 * but would break whatever else uses io_uring on this shared machine meanwhile.)
 */
class UnavailableTest {
    static final int PR_SET_NO_NEW_PRIVS = 38, PR_SET_SECCOMP = 22, SECCOMP_MODE_FILTER = 2;
    static final int SECCOMP_RET_ALLOW = 0x7fff0000, SECCOMP_RET_ERRNO = 0x00050000;
    static final short BPF_LD_W_ABS = 0x20, BPF_JEQ_K = 0x15, BPF_RET_K = 0x06;

    /** Runs {@code body} on a new thread whose io_uring_setup fails with {@code errno}. */
    static Throwable onThreadWithoutIoUring(int errno, ThrowingRunnable body) throws InterruptedException {
        AtomicReference<Throwable> out = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try (Arena a = Arena.ofConfined()) {
                // seccomp_data: nr @0; a filter of: load nr; if nr == io_uring_setup return ERRNO(errno); allow
                MemorySegment prog = a.allocate(8L * 4, 8);
                insn(prog, 0, BPF_LD_W_ABS, 0, 0, 0);
                insn(prog, 1, BPF_JEQ_K, 0, 1, (int) SyscallNumbers.IO_URING_SETUP);
                insn(prog, 2, BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | errno);
                insn(prog, 3, BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW);
                MemorySegment fprog = a.allocate(16, 8);
                fprog.set(JAVA_SHORT, 0, (short) 4);
                fprog.set(JAVA_LONG, 8, prog.address());
                assertEquals(0, Sys.syscall(SyscallNumbers.PRCTL, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0));
                assertEquals(0, Sys.syscall(SyscallNumbers.PRCTL, PR_SET_SECCOMP, SECCOMP_MODE_FILTER, fprog.address(), 0, 0, 0));
                body.run();
            } catch (Throwable e) {
                out.set(e);
            }
        }, "no-io_uring");
        t.start();
        t.join();
        return out.get();
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    static void insn(MemorySegment prog, int i, short code, int jt, int jf, int k) {
        long at = 8L * i;
        prog.set(JAVA_SHORT, at, code);
        prog.set(JAVA_BYTE, at + 2, (byte) jt);
        prog.set(JAVA_BYTE, at + 3, (byte) jf);
        prog.set(JAVA_INT, at + 4, k);
    }

    @Test
    void seccompEpermIsOneExceptionNamingCauseAndRemedy() throws Exception {
        Throwable t = onThreadWithoutIoUring(Errno.EPERM, () -> Ring.open(4).close());
        var e = assertInstanceOf(IoUringUnavailableException.class, t);
        assertEquals(Errno.EPERM, e.errno());
        assertEquals("io_uring_setup", e.syscall());
        String m = e.getMessage();
        for (String s : new String[] {"EPERM", "kernel.io_uring_disabled", "seccomp", "Remedy"})
            assertTrue(m.contains(s), "message lacks '" + s + "': " + m);
        // this thread was never filtered: io_uring still works here
        try (Ring ring = Ring.open(2)) {
            ring.sqe().prepNop();
            assertEquals(1, ring.submitAndWait(1));
        }
    }

    @Test
    void enosysSaysTheKernelHasNoIoUring() throws Exception {
        Throwable t = onThreadWithoutIoUring(Errno.ENOSYS, () -> Ring.open(4).close());
        var e = assertInstanceOf(IoUringUnavailableException.class, t);
        assertEquals(Errno.ENOSYS, e.errno());
        assertTrue(e.getMessage().contains("ENOSYS") && e.getMessage().contains("CONFIG_IO_URING"), e.getMessage());
    }

    @Test
    void otherSetupErrorsAreOrdinaryErrnoExceptions() throws Exception {
        Throwable t = onThreadWithoutIoUring(Errno.ENOMEM, () -> Ring.open(4).close());
        var e = assertInstanceOf(io.uring4j.ErrnoException.class, t);
        assertFalse(e instanceof IoUringUnavailableException, "ENOMEM is not 'unavailable'");
        assertEquals("ENOMEM", e.errnoName());
        assertTrue(e.getMessage().startsWith("io_uring_setup("), e.getMessage());
    }
}
