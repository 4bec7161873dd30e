package io.uring4j.register;

import io.uring4j.ErrnoException;
import io.uring4j.ring.RegisterOp;
import io.uring4j.ring.Ring;
import io.uring4j.sys.Errno;
import io.uring4j.sys.RsrcUpdate;
import io.uring4j.sys.Sys;
import io.uring4j.sys.SyscallNumbers;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The ring's fd registered in the calling thread's io_uring context (IORING_REGISTER_RING_FDS):
 * io_uring_enter then takes the small index with IORING_ENTER_REGISTERED_RING and skips the
 * fdget/fdput of the ring file on every call. {@link #register} switches the ring to it
 * ({@link Ring#useRegisteredRingIndex}); {@link #close} switches back and unregisters.
 *
 * <p><b>Per thread.</b> The index lives in the registering thread's task context: only that thread
 * can enter with it (another thread's enter fails with EINVAL or EBADF), so register from the
 * thread that owns the ring and close from it too. The entry holds a reference on the ring file:
 * until it is unregistered (or the thread exits) the kernel keeps the ring alive even after its fd
 * is closed. Closing the {@link Ring} on the registering thread unregisters it; closing it elsewhere
 * leaves the entry until that thread exits.
 */
public final class RegisteredRingFd implements AutoCloseable {
    /** IO_RINGFD_REG_MAX: registered ring indexes per thread. */
    public static final int MAX_PER_THREAD = 16;

    private final Ring ring;
    private final RingState state;
    private final int index;
    private final Thread thread;
    private volatile boolean registered = true;

    private RegisteredRingFd(Ring ring, RingState state, int index) {
        this.ring = ring;
        this.state = state;
        this.index = index;
        this.thread = Thread.currentThread();
    }

    /** Registers {@code ring} at the first free index of the calling thread and enters through it from now on. */
    public static RegisteredRingFd register(Ring ring) throws ErrnoException {
        return register(ring, -1);
    }

    /** As {@link #register(Ring)} at a chosen index 0..15, or -1 to let the kernel pick. */
    public static RegisteredRingFd register(Ring ring, int index) throws ErrnoException {
        if (index < -1 || index >= MAX_PER_THREAD)
            throw new IllegalArgumentException("registered ring index=" + index + ": valid 0.." + (MAX_PER_THREAD - 1)
                    + " or -1 for any (IO_RINGFD_REG_MAX; the kernel answers EINVAL)");
        RingState st = RingState.of(ring);
        synchronized (st) {
            if (st.ringFd != null && st.ringFd.registered)
                throw new IllegalStateException("ring fd " + ring.fd() + " is already registered at index "
                        + st.ringFd.index + " by thread '" + st.ringFd.thread.getName() + "'");
            int at;
            try (Arena a = Arena.ofConfined()) {
                MemorySegment up = a.allocate(RsrcUpdate.LAYOUT);
                up.set(JAVA_INT, RsrcUpdate.OFFSET, index); // -1U: the kernel picks and writes it back
                up.set(JAVA_LONG, RsrcUpdate.DATA, ring.fd());
                long r = ring.registerRaw(RegisterOp.RING_FDS, up.address(), 1);
                if (r < 0) {
                    String why = r == -Errno.EBUSY ? (index < 0 ? "all " + MAX_PER_THREAD + " registered-ring indexes "
                            + "of this thread are in use" : "index " + index + " is taken in this thread") : null;
                    throw new RegistrationException((int) -r, "RING_FDS index=" + index, why);
                }
                at = up.get(JAVA_INT, RsrcUpdate.OFFSET);
            }
            RegisteredRingFd reg = new RegisteredRingFd(ring, st, at);
            st.ringFd = reg;
            ring.useRegisteredRingIndex(at);
            return reg;
        }
    }

    public int index() { return index; }

    public Ring ring() { return ring; }

    /** The thread whose io_uring context holds the index. */
    public Thread thread() { return thread; }

    public boolean isRegistered() { return registered; }

    /** Switches the ring back to its fd and unregisters the index; must run on the registering thread. Idempotent. */
    @Override
    public void close() throws ErrnoException {
        if (!registered) return;
        if (Thread.currentThread() != thread)
            throw new IllegalStateException("registered ring index " + index + " belongs to thread '" + thread.getName()
                    + "': unregister it from that thread (the kernel looks it up in the caller's context)");
        if (!ring.isClosed()) ring.useRegisteredRingIndex(-1);
        long r = unregisterRaw();
        registered = false;
        synchronized (state) {
            if (state.ringFd == this) state.ringFd = null;
        }
        if (r < 0) throw new RegistrationException((int) -r, "UNREGISTER_RING_FDS index=" + index, null);
    }

    /**
     * Through the index itself (USE_REGISTERED_RING) so it also works after the ring fd was closed,
     * which is when the ring's close hook runs.
     */
    private long unregisterRaw() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment up = a.allocate(RsrcUpdate.LAYOUT);
            up.set(JAVA_INT, RsrcUpdate.OFFSET, index);
            return Sys.syscall(SyscallNumbers.IO_URING_REGISTER, index,
                    RegisterOp.UNREGISTER_RING_FDS | RegisterOp.USE_REGISTERED_RING, up.address(), 1, 0, 0);
        }
    }

    void ringClosed() {
        if (registered && Thread.currentThread() == thread) {
            unregisterRaw();
            registered = false;
        }
    }

    @Override
    public String toString() {
        return "RegisteredRingFd[ring fd=" + ring.fd() + ", index=" + index + ", thread=" + thread.getName()
                + (registered ? "" : ", unregistered") + "]";
    }
}
