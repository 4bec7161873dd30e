package io.uring4j.loop;

import io.uring4j.ErrnoException;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Several {@link EventLoop}s and the rule that places work on them: operations on a
 * descriptor whose order matters (sockets, the file position) go to the loop {@code fd mod n},
 * so they are submitted in the order they were issued; positional file I/O and descriptor-less
 * operations go to a random loop, spreading load without a shared counter.
 */
public final class EventLoopGroup implements AutoCloseable {
    private static volatile EventLoopGroup shared;

    private final EventLoop[] loops;
    private final boolean owned;

    private EventLoopGroup(EventLoop[] loops, boolean owned) {
        if (loops.length == 0) throw new IllegalArgumentException("an event loop group needs at least one loop");
        this.loops = loops;
        this.owned = owned;
    }

    /** {@code n} new loops with {@code entries} SQ entries each; closed with the group. */
    public static EventLoopGroup open(int n, int entries) throws ErrnoException {
        if (n < 1) throw new IllegalArgumentException("n=" + n + " loops must be >= 1");
        EventLoop[] ls = new EventLoop[n];
        try {
            for (int i = 0; i < n; i++) ls[i] = EventLoop.builder().entries(entries).build();
        } catch (ErrnoException | RuntimeException e) {
            for (EventLoop l : ls) if (l != null) l.close();
            throw e;
        }
        return new EventLoopGroup(ls, true);
    }

    /** A view over existing loops; closing the group does not close them. */
    public static EventLoopGroup of(EventLoop... loops) {
        for (EventLoop l : loops) Objects.requireNonNull(l);
        return new EventLoopGroup(loops.clone(), false);
    }

    /**
     * The process-wide group used when no loop is given (e.g. by
     * {@link io.uring4j.channels.UringFileChannels#open}): {@code -During4j.loops} loops (default 1)
     * of daemon threads, created on first use and never closed.
     */
    public static EventLoopGroup shared() {
        EventLoopGroup g = shared;
        if (g != null) return g;
        synchronized (EventLoopGroup.class) {
            if (shared == null) {
                try {
                    shared = open(Integer.getInteger("uring4j.loops", 1), Integer.getInteger("uring4j.loopEntries", 1024));
                } catch (ErrnoException e) {
                    throw new IllegalStateException("cannot create the shared uring4j event loops: " + e.getMessage(), e);
                }
            }
            return shared;
        }
    }

    public int size() { return loops.length; }

    public List<EventLoop> loops() { return List.of(loops); }

    /** The loop for operations on {@code fd} that must stay in issue order. */
    public EventLoop forFd(int fd) {
        return loops.length == 1 ? loops[0] : loops[Math.floorMod(fd, loops.length)];
    }

    /** Any loop (random placement). */
    public EventLoop next() {
        return loops.length == 1 ? loops[0] : loops[ThreadLocalRandom.current().nextInt(loops.length)];
    }

    /** Closes the loops this group created (see {@link EventLoop#close()}). */
    @Override
    public void close() {
        if (!owned) return;
        for (EventLoop l : loops) l.close();
    }
}
