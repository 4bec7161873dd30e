package io.uring4j.register;

import io.uring4j.ring.Ring;

import java.util.HashMap;
import java.util.Map;

/**
 * What this package has registered with one ring. The kernel keeps one buffer table and one file
 * table per ring; mirroring that here lets a second registration be refused with a message (the
 * kernel says only EBUSY) and gives the ring one close hook that ends every registration, so
 * memory owned by a {@link BufferPool} is released once the ring can no longer use it.
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

    private RingState(Ring ring) {
        this.ring = ring;
    }

    static RingState of(Ring ring) {
        synchronized (STATES) {
            RingState s = STATES.get(ring);
            if (s == null) {
                if (ring.isClosed()) throw new IllegalStateException("ring fd " + ring.fd() + " is closed");
                s = new RingState(ring);
                STATES.put(ring, s);
                RingState st = s;
                ring.onClose(st::ringClosed);
            }
            return s;
        }
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
        }
        synchronized (STATES) {
            STATES.remove(ring);
        }
        if (b != null) b.ringClosed();
        if (f != null) f.ringClosed();
        if (r != null) r.ringClosed();
    }
}
