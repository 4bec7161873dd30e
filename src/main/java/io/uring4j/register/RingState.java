package io.uring4j.register;

import io.uring4j.ring.Ring;

import java.util.HashMap;
import java.util.Map;

/**
 * What this package has registered with one ring. The kernel keeps one buffer table, one file
 * table and one wait region per ring; mirroring that here lets a second registration be refused
 * with a message (the kernel says only EBUSY) and gives the ring one close hook that ends every
 * registration, so memory owned by a {@link BufferPool} is released once the ring can no longer
 * use it. Fields are guarded by the RingState's monitor, which registrations hold while they call
 * the kernel so that two threads cannot race to register the same kind.
 */
final class RingState {
    /**
     * Ring has identity equality. Entries leave when their ring closes; a weak map would not help,
     * since a registered table refers to its ring, and a ring never closed leaks its fd anyway.
     */
    private static final Map<Ring, RingState> STATES = new HashMap<>();

    final Ring ring;
    FixedBuffers buffers;
    RegisteredFiles files;
    RegisteredRingFd ringFd;
    WaitRegion waitRegion;

    private RingState(Ring ring) {
        this.ring = ring;
    }

    /** The state of {@code ring}, created on first use. @throws IllegalStateException if the ring is closed */
    static RingState of(Ring ring) {
        // checked even when the state exists: its entry leaves only after the ring fd is closed
        if (ring.isClosed()) throw closed(ring);
        synchronized (STATES) {
            RingState s = STATES.get(ring);
            if (s == null) {
                s = new RingState(ring);
                STATES.put(ring, s);
                ring.onClose(s::ringClosed);
                // closed between the check and onClose: the ring took its hooks without this one
                if (ring.isClosed()) {
                    STATES.remove(ring);
                    throw closed(ring);
                }
            }
            return s;
        }
    }

    private static IllegalStateException closed(Ring ring) {
        return new IllegalStateException("ring fd " + ring.fd() + " is closed");
    }

    /** Runs after the ring fd is closed: the kernel has dropped (or is dropping) every registration. */
    private void ringClosed() {
        FixedBuffers b;
        RegisteredFiles f;
        RegisteredRingFd r;
        synchronized (this) {
            b = buffers;
            f = files;
            r = ringFd;
            buffers = null;
            files = null;
            ringFd = null;
            waitRegion = null;
        }
        synchronized (STATES) {
            STATES.remove(ring);
        }
        if (b != null) b.ringClosed();
        if (f != null) f.ringClosed();
        if (r != null) r.ringClosed();
    }
}
