package io.uring4j.uffd;

import io.uring4j.sys.Sys;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A file descriptor owned by one object. Closing swaps the number out atomically, so racing
 * closers close it exactly once: a second close(2) of the same number could hit an fd another
 * thread has been handed meanwhile.
 */
final class OwnedFd {
    private static final VarHandle FD;
    static {
        try {
            FD = MethodHandles.lookup().findVarHandle(OwnedFd.class, "fd", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through FD
    private volatile int fd;

    OwnedFd(int fd) {
        this.fd = fd;
    }

    /** The fd, or -1 once closed. */
    int get() {
        return fd;
    }

    boolean isOpen() {
        return fd >= 0;
    }

    /** Closes the fd if this call is the first; later and concurrent calls do nothing. */
    void close() {
        int f = (int) FD.getAndSet(this, -1);
        if (f >= 0) Sys.close(f);
    }

    @Override
    public String toString() {
        return String.valueOf(fd);
    }
}
