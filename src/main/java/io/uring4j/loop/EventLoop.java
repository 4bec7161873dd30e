package io.uring4j.loop;

import io.uring4j.ErrnoException;
import io.uring4j.ring.CancelFlags;
import io.uring4j.ring.Cqe;
import io.uring4j.ring.CqeFlags;
import io.uring4j.ring.CqeHandler;
import io.uring4j.ring.Ring;
import io.uring4j.ring.RingBuilder;
import io.uring4j.ring.RingFlags;
import io.uring4j.ring.SetupFlags;
import io.uring4j.ring.Sqe;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Native;
import io.uring4j.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A thread that owns one io_uring and runs every operation given to it.
 *
 * <h2>Threads</h2>
 * The ring is created on the loop's own platform thread: with IORING_SETUP_SINGLE_ISSUER the
 * kernel binds the ring to the task that created it, and DEFER_TASKRUN runs completion work only
 * when that task waits, so no other thread may ever enter it. Any thread hands work over through
 * a lock-free multi-producer queue (Vyukov's intrusive MPSC queue: the operation object is the
 * node, so queueing allocates nothing). A producer that finds the loop asleep in io_uring_enter
 * writes an eventfd on which the loop keeps one READ armed; only the producer that flips the
 * {@code sleeping} flag writes, so a burst of submissions costs one wake-up.
 *
 * <h2>Batching</h2>
 * Each turn the loop pops everything queued, prepares an SQE per operation and submits them all
 * with one io_uring_enter (which also waits when nothing is ready), then hands each CQE to its
 * owner: user_data is {@code generation << 32 | slot} into a slot table, so dispatch is an array
 * load; the generation makes a late CQE (or a cancel racing a completion) for a reused slot
 * harmless. Internal SQEs (wake-up read, cancels, linked timeouts) carry user_data with bit 63 set.
 *
 * <h2>Memory safety</h2>
 * An operation stays in its slot until its final CQE, so every segment it references stays
 * reachable for as long as the kernel may touch it — even after its future was cancelled.
 * Closing the loop cancels in-flight work and waits (up to {@link Builder#closeTimeout}) for
 * the kernel to give every buffer back before the ring is closed.
 *
 * <h2>Lifecycle</h2>
 * {@link #close()} stops accepting work (later submissions throw
 * {@link RejectedExecutionException}), fails what was queued but not yet submitted, cancels what
 * is in flight (ASYNC_CANCEL ANY|ALL), completes every future, then closes the ring and eventfd.
 */
public final class EventLoop implements Executor, AutoCloseable {
    /** user_data bit 63 marks internal SQEs; their CQEs are not dispatched to owners. */
    static final long INTERNAL = 1L << 63;
    static final long UD_WAKE = INTERNAL | 1, UD_IGNORE = INTERNAL | 2;

    private static final int RUNNING = 0, CLOSING = 1, TERMINATED = 2;
    private static final VarHandle TAIL, SLEEPING, NEXT;
    private static final AtomicInteger COUNTER = new AtomicInteger();
    /**
     * Operations whose CQE never came before the close timeout. The kernel may still write into
     * their buffers after the ring fd is closed (its exit work runs asynchronously), so they are
     * kept reachable for the life of the JVM rather than handed back to the GC.
     */
    private static final List<Object> ABANDONED = new ArrayList<>();

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            TAIL = l.findVarHandle(EventLoop.class, "tail", Op.class);
            SLEEPING = l.findVarHandle(EventLoop.class, "sleeping", boolean.class);
            NEXT = l.findVarHandle(Op.class, "next", Op.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final int entries;
    private final long closeTimeoutNanos;
    private final int maxInflightSetting;
    private final Thread thread;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final CountDownLatch terminated = new CountDownLatch(1);

    // ---- MPSC queue (producers: tail; loop thread: head)
    private final Op<?> stub = new StubOp();
    @SuppressWarnings("unused") // accessed through TAIL
    private volatile Op<?> tail = stub;
    private Op<?> head = stub;
    private final Object lateDrainLock = new Object();

    private volatile boolean sleeping;
    private volatile int state = RUNNING;

    // ---- wake-up: written by any producer, read by the loop's armed READ
    private int eventFd = -1; // guarded by wakeLock once the loop runs
    private final Object wakeLock = new Object();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment one = arena.allocate(JAVA_LONG);
    private final MemorySegment wakeErrno = Native.newErrnoBuffer(arena);
    private final MemorySegment wakeBuf = arena.allocate(JAVA_LONG);

    // ---- loop-thread state
    private Ring ring;
    private int ringFlags;
    private final CqeHandler dispatcher = this::dispatch;
    private boolean wakeArmed;
    private Op<?>[] slots = new Op<?>[64];
    private int[] gens = new int[64];
    private int[] free = new int[64];
    private int freeTop, slotCount;
    private int queuedInflight, rawPending, maxInflight;
    private MemorySegment timespecs;
    private int tsNext, tsCap;

    // ---- statistics: written by the loop thread only, read racily by others
    private long enterCalls, sqesSubmitted, cqesReaped, wakeups, opsSubmitted, tasksRun;

    private EventLoop(Builder b) {
        this.name = b.name != null ? b.name : "uring4j-loop-" + COUNTER.getAndIncrement();
        this.entries = b.entries;
        this.closeTimeoutNanos = b.closeTimeout.toNanos();
        this.maxInflightSetting = b.maxInflight;
        one.set(JAVA_LONG, 0, 1L);
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A loop with default settings (256 SQ entries). */
    public static EventLoop open() throws ErrnoException {
        return builder().build();
    }

    /** Options for an {@link EventLoop}. */
    public static final class Builder {
        private String name;
        private int entries = 256;
        private Duration closeTimeout = Duration.ofSeconds(5);
        private int maxInflight;

        private Builder() {}

        /** Thread name (default {@code uring4j-loop-N}). */
        public Builder name(String name) { this.name = Objects.requireNonNull(name); return this; }

        /** SQ entries (power of two, 1..32768); the CQ gets four times as many. */
        public Builder entries(int entries) {
            if (entries < 1 || entries > RingBuilder.MAX_ENTRIES)
                throw new IllegalArgumentException("entries=" + entries + " must be in 1.." + RingBuilder.MAX_ENTRIES);
            this.entries = entries;
            return this;
        }

        /** How long {@link #close()} waits for cancelled work to be given back by the kernel. */
        public Builder closeTimeout(Duration d) {
            if (d.isNegative()) throw new IllegalArgumentException("closeTimeout=" + d + " must be >= 0");
            this.closeTimeout = d;
            return this;
        }

        /**
         * Queued operations in flight at once (default: the CQ size, so completions never
         * overflow into the kernel's backlog); the rest wait in the queue.
         */
        public Builder maxInflight(int n) {
            if (n < 1) throw new IllegalArgumentException("maxInflight=" + n + " must be >= 1");
            this.maxInflight = n;
            return this;
        }

        /** Starts the loop thread and waits until its ring exists. */
        public EventLoop build() throws ErrnoException {
            EventLoop l = new EventLoop(this);
            l.thread.start();
            try {
                l.started.join();
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof ErrnoException ee) throw ee;
                if (e.getCause() instanceof RuntimeException re) throw re;
                throw e;
            }
            return l;
        }
    }

    // ================================================================= public surface

    public String name() { return name; }

    /** The IORING_SETUP_* flags the loop's ring was created with. */
    public int ringFlags() { return ringFlags; }

    /** True on the loop's own thread. */
    public boolean inLoop() { return Thread.currentThread() == thread; }

    public boolean isClosed() { return state != RUNNING; }

    /** The loop thread (for diagnostics and tests). */
    public Thread thread() { return thread; }

    /** Runs {@code task} on the loop thread; it must not block. */
    @Override
    public void execute(Runnable task) {
        enqueue(new TaskOp(Objects.requireNonNull(task)));
    }

    /** Counters since the loop started (read without synchronisation: approximate from other threads). */
    public LoopStats stats() {
        return new LoopStats(enterCalls, sqesSubmitted, opsSubmitted, cqesReaped, wakeups, tasksRun, queuedInflight);
    }

    // ---- loop-thread-only low-level API (multishot servers)

    /**
     * Loop thread only: a user_data id whose CQEs go to {@code callback} until
     * {@link #unregister(long)}; prepare SQEs for it with {@link #prepare(long)}. Suited to
     * multishot operations that keep one id for many completions.
     */
    public long register(CqeCallback callback) {
        checkLoopThread("register");
        RawOp op = new RawOp(callback);
        op.loop = this;
        int slot = allocSlot();
        op.userData = ((long) gens[slot] << 32) | slot;
        slots[slot] = op;
        return op.userData;
    }

    /** Loop thread only: forgets {@code id}; later CQEs for it are dropped. */
    public void unregister(long id) {
        checkLoopThread("unregister");
        int slot = (int) id;
        if (id < 0 || slot >= slotCount || slots[slot] == null || slots[slot].userData != id) return;
        rawPending -= ((RawOp) slots[slot]).pending;
        freeSlot(slot);
    }

    /**
     * Loop thread only: the next SQE, zeroed, with user_data = {@code id} from
     * {@link #register}. It is submitted with the loop's next io_uring_enter. Every SQE prepared
     * this way must eventually yield a CQE without F_MORE (close() waits for it).
     */
    public Sqe prepare(long id) {
        checkLoopThread("prepare");
        int slot = (int) id;
        if (id < 0 || slot >= slotCount || !(slots[slot] instanceof RawOp r) || r.userData != id)
            throw new IllegalArgumentException("id=" + id + " is not registered with loop " + name);
        Sqe sqe = sqeWithSpace(1);
        r.pending++;
        rawPending++;
        return sqe.userData(id);
    }

    /** Loop thread only: ASYNC_CANCEL of the request(s) with user_data {@code id}; the cancel's own CQE is not reported. */
    public void cancel(long id) {
        checkLoopThread("cancel");
        sqeWithSpace(1).prepCancel(id, CancelFlags.ALL).userData(UD_IGNORE);
    }

    /**
     * Loop thread only: the ring itself, for registrations that must come from its issuer
     * (buffer rings, fixed buffers). Do not submit or reap on it directly.
     */
    public Ring ring() {
        checkLoopThread("ring");
        return ring;
    }

    /** Runs {@code task} on the loop thread; the future completes with its result (on the loop thread). */
    public <T> CompletableFuture<T> submit(java.util.concurrent.Callable<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        execute(() -> {
            try {
                f.complete(task.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    /**
     * Registers {@code buffers} as fixed buffers of this loop's ring (from the loop thread, as
     * SINGLE_ISSUER requires); use them with {@link AsyncIo#readFixed} / {@link BlockingIo#readFixed}.
     * They are unregistered when the loop closes.
     */
    public CompletableFuture<io.uring4j.register.FixedBuffers> registerBuffers(MemorySegment... buffers) {
        MemorySegment[] copy = buffers.clone();
        return submit(() -> io.uring4j.register.FixedBuffers.register(ring, copy));
    }

    /** Whether {@code r} is this loop's ring (fixed buffers name the ring they are registered with). */
    boolean owns(Ring r) {
        return r == ring;
    }

    private void checkLoopThread(String what) {
        if (Thread.currentThread() != thread)
            throw new IllegalStateException(what + "() must be called on loop thread '" + name + "', not '"
                    + Thread.currentThread().getName() + "' (use execute())");
    }

    // ================================================================= producers

    /** Hands {@code op} to the loop; throws {@link RejectedExecutionException} if it is closed. */
    void enqueue(Op<?> op) {
        if (state != RUNNING) throw rejected();
        op.loop = this;
        push(op);
        if (state == TERMINATED) {
            drainAfterTermination(); // the loop's last drain may have missed us
            return;
        }
        if (sleeping && SLEEPING.compareAndSet(this, true, false)) wake();
    }

    /** Asks the loop to cancel {@code target} (ASYNC_CANCEL of its user_data) if it is in flight. */
    void requestCancel(Op<?> target) {
        if (state != RUNNING) return; // shutdown cancels everything anyway
        try {
            enqueue(new CancelOp(target));
        } catch (RejectedExecutionException ignored) {
            // closed meanwhile: shutdown cancels it
        }
    }

    private RejectedExecutionException rejected() {
        return new RejectedExecutionException("event loop '" + name + "' is closed and accepts no new work");
    }

    private void push(Op<?> op) {
        NEXT.set(op, (Op<?>) null);
        Op<?> prev = (Op<?>) TAIL.getAndSet(this, op);
        prev.next = op; // volatile store: publishes op's fields to the consumer
    }

    private void wake() {
        // under a lock so the loop cannot close the eventfd (and the number be reused by another
        // file) between our check and the write; wake-ups are rare (only when the loop sleeps)
        synchronized (wakeLock) {
            if (eventFd >= 0) Sys.write(wakeErrno, eventFd, one, 8);
        }
    }

    // ================================================================= consumer (loop thread)

    private Op<?> poll() {
        Op<?> h = head, n = h.next;
        if (h == stub) {
            if (n == null) return null;
            head = n;
            h = n;
            n = n.next;
        }
        if (n != null) {
            head = n;
            NEXT.set(h, (Op<?>) null);
            return h;
        }
        if (h != tail) return null; // a producer swapped the tail but has not linked yet: next turn
        push(stub);
        n = h.next;
        if (n != null) {
            head = n;
            NEXT.set(h, (Op<?>) null);
            return h;
        }
        return null;
    }

    private boolean hasPending() {
        return head != stub || tail != stub;
    }

    private void run() {
        try {
            ring = createRing(entries);
            ringFlags = ring.setupFlags();
            maxInflight = maxInflightSetting > 0 ? maxInflightSetting : ring.cqEntries();
            tsCap = ring.sqEntries();
            timespecs = arena.allocate(16L * tsCap, 8);
            // non-blocking, or io_uring would hand the READ to an io-wq worker instead of polling
            int efd = Sys.eventfd(0, Sys.EFD_NONBLOCK | Sys.EFD_CLOEXEC);
            if (efd < 0) throw new ErrnoException(-efd, "eventfd", "event loop wake-up");
            synchronized (wakeLock) {
                eventFd = efd;
            }
        } catch (Throwable t) {
            if (ring != null) ring.close();
            arena.close();
            state = TERMINATED;
            terminated.countDown();
            started.completeExceptionally(t);
            return;
        }
        started.complete(null);
        boolean clean = true;
        try {
            runLoop();
        } catch (Throwable t) {
            System.err.println("uring4j: event loop '" + name + "' failed: " + t);
            t.printStackTrace();
        } finally {
            state = state == RUNNING ? CLOSING : state;
            try {
                clean = shutdown();
            } finally {
                ring.close();
                synchronized (wakeLock) {
                    Sys.close(eventFd);
                    eventFd = -1;
                }
                if (clean) arena.close();
                else synchronized (ABANDONED) { ABANDONED.add(arena); }
                state = TERMINATED;
                drainAfterTermination();
                terminated.countDown();
            }
        }
    }

    private static Ring createRing(int entries) throws ErrnoException {
        int cq = Math.min(entries * 4, RingBuilder.MAX_CQ_ENTRIES);
        try {
            return Ring.builder().entries(entries).cqEntries(cq).deferTaskrun().taskrunFlag().submitAll().build();
        } catch (ErrnoException e) {
            if (e.errno() != Errno.EINVAL) throw e;
        }
        try { // before 6.1: no DEFER_TASKRUN
            return Ring.builder().entries(entries).cqEntries(cq).singleIssuer().coopTaskrun().taskrunFlag().submitAll().build();
        } catch (ErrnoException e) {
            if (e.errno() != Errno.EINVAL) throw e;
        }
        return Ring.builder().entries(entries).cqEntries(cq).build();
    }

    private void runLoop() {
        while (state == RUNNING) {
            drain();
            if (!wakeArmed) armWake();
            if (ring.cqReady() > 0 || (ring.sqFlags() & (RingFlags.SQ_TASKRUN | RingFlags.SQ_CQ_OVERFLOW)) != 0) {
                if (ring.sqReady() > 0) submitNow();
            } else {
                sleeping = true;
                // Dekker with enqueue(): our store to sleeping precedes this read of the queue; a
                // producer's tail swap precedes its read of sleeping, so one of us sees the other.
                if ((queuedInflight < maxInflight && hasPending()) || state != RUNNING) {
                    sleeping = false;
                    if (ring.sqReady() > 0) submitNow();
                } else {
                    submitAndWait();
                    sleeping = false;
                }
            }
            ring.forEachCqe(dispatcher);
        }
    }

    private void drain() {
        while (queuedInflight < maxInflight) {
            Op<?> op = poll();
            if (op == null) return;
            try {
                op.runOnLoop(this);
            } catch (Throwable t) {
                op.abort(t);
            }
        }
    }

    private void armWake() {
        Sqe s = sqeWithSpace(1);
        s.prepRead(eventFd, wakeBuf, 0).userData(UD_WAKE);
        wakeArmed = true;
    }

    private void submitNow() {
        enterCalls++;
        int r = ring.submit();
        afterSubmit(r);
    }

    private void submitAndWait() {
        enterCalls++;
        int r = ring.submitAndWait(1);
        afterSubmit(r);
    }

    private void afterSubmit(int r) {
        if (r > 0) sqesSubmitted += r;
        // timespecs are copied by the kernel when it prepares the SQE, i.e. inside the enter
        if (ring.sqReady() == 0) tsNext = 0;
    }

    /** The next SQE, submitting first if fewer than {@code need} are free. */
    private Sqe sqeWithSpace(int need) {
        for (int tries = 0; ring.sqSpace() < need || tsCap - tsNext < need; tries++) {
            submitNow();
            if (tries > 0) ring.forEachCqe(dispatcher); // CQ backlog can make the kernel refuse (EBUSY)
            if (tries > 1000) throw new IllegalStateException("submission queue of loop '" + name + "' stays full");
        }
        return ring.nextSqe();
    }

    /** Submits an I/O operation: slot, SQE(s), user_data. */
    void submitOp(Op<?> op) {
        if (op.isDone()) return; // cancelled before it reached the ring
        Sqe sqe = sqeWithSpace(op.sqeCount());
        int slot = allocSlot();
        long ud = ((long) gens[slot] << 32) | slot;
        op.userData = ud;
        slots[slot] = op;
        sqe.userData(ud); // before prep: prep may take a second SQE (linked timeout)
        try {
            op.prep(sqe, this);
        } catch (Throwable t) {
            // prep validates before writing, so the SQE is still a NOP; its CQE will be stale
            freeSlot(slot);
            op.abort(t);
            return;
        }
        queuedInflight++;
        opsSubmitted++;
    }

    /** Loop thread: a timespec for a TIMEOUT/LINK_TIMEOUT SQE, valid until the next enter. */
    MemorySegment timespec(long nanos) {
        if (tsNext >= tsCap) throw new IllegalStateException("timespec scratch exhausted (sqeWithSpace not used)");
        MemorySegment ts = timespecs.asSlice(16L * tsNext++, 16);
        ts.set(JAVA_LONG, 0, nanos / 1_000_000_000L);
        ts.set(JAVA_LONG, 8, nanos % 1_000_000_000L);
        return ts;
    }

    /** Loop thread, inside prep: appends a LINK_TIMEOUT after the SQE just prepared (which must carry IO_LINK). */
    void linkTimeout(long nanos) {
        Sqe t = ring.nextSqe(); // space for it was reserved by sqeCount()
        t.prepLinkTimeout(timespec(nanos), 0).userData(UD_IGNORE);
    }

    void runTask(Runnable r) {
        tasksRun++;
        try {
            r.run();
        } catch (Throwable t) {
            uncaught(t);
        }
    }

    void cancelInFlight(Op<?> target) {
        long ud = target.userData;
        int slot = (int) ud;
        if (ud == 0 || slot >= slotCount || slots[slot] != target) return; // already complete
        sqeWithSpace(1).prepCancel(ud, 0).userData(UD_IGNORE);
    }

    private void dispatch(Cqe c) {
        long ud = c.userData();
        cqesReaped++;
        if (ud < 0) {
            if (ud == UD_WAKE) {
                wakeArmed = false;
                wakeups++;
            }
            return;
        }
        int slot = (int) ud;
        if (slot >= slotCount) return;
        Op<?> op = slots[slot];
        if (op == null || op.userData != ud) return; // stale: slot was freed or reused
        int res = c.res(), flags = c.flags();
        if (op instanceof RawOp r) {
            if (!CqeFlags.hasMore(flags)) {
                r.pending--;
                rawPending--;
            }
        } else if (op.isFinal(flags)) {
            freeSlot(slot);
            queuedInflight--;
        }
        try {
            op.onCqe(res, flags);
        } catch (Throwable t) {
            uncaught(t);
        }
    }

    private void uncaught(Throwable t) {
        Thread.UncaughtExceptionHandler h = thread.getUncaughtExceptionHandler();
        if (h != null) h.uncaughtException(thread, t);
        else t.printStackTrace();
    }

    private int allocSlot() {
        if (freeTop == 0) {
            if (slotCount == slots.length) {
                int n = slots.length * 2;
                slots = java.util.Arrays.copyOf(slots, n);
                gens = java.util.Arrays.copyOf(gens, n);
                free = java.util.Arrays.copyOf(free, n);
            }
            gens[slotCount] = 1; // generation 0 never used: a zeroed user_data matches nothing
            return slotCount++;
        }
        return free[--freeTop];
    }

    private void freeSlot(int slot) {
        slots[slot] = null;
        int g = (gens[slot] + 1) & 0x7fffffff;
        gens[slot] = g == 0 ? 1 : g;
        free[freeTop++] = slot;
    }

    /** The exception for a failed CQE of {@code op}. */
    ErrnoException failure(Op<?> op, int res) {
        if (res == -Errno.ECANCELED && state != RUNNING)
            return new ErrnoException(Errno.ECANCELED, "io_uring", op.describe(), "event loop '" + name + "' closed while in flight");
        return new ErrnoException(-res, "io_uring", op.describe());
    }

    // ================================================================= shutdown

    /** Stops accepting work, cancels what is in flight, completes every future, closes the ring. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (state == RUNNING) state = CLOSING;
        }
        if (state == CLOSING) wake();
        if (Thread.currentThread() == thread) return; // the loop finishes its turn, then shuts down
        boolean interrupted = false;
        while (true) {
            try {
                terminated.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** Waits for the loop thread to finish after {@link #close()}. */
    public boolean awaitTermination(Duration d) throws InterruptedException {
        return terminated.await(d.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Returns true if every in-flight operation was given back by the kernel. */
    private boolean shutdown() {
        long deadline = System.nanoTime() + closeTimeoutNanos;
        long lastCancel = 0;
        boolean cancelled = false;
        while (true) {
            Op<?> op;
            while ((op = poll()) != null) op.abort(new ErrnoException(Errno.ECANCELED, "io_uring", op.describe(),
                    "event loop '" + name + "' closed before the operation was submitted"));
            if (queuedInflight + rawPending == 0 && !wakeArmed) return true;
            long now = System.nanoTime();
            if (now - deadline >= 0) break;
            if (!cancelled || now - lastCancel > 50_000_000L) {
                cancelled = true;
                // ANY|ALL: every request on the ring, whatever its user_data (kernel 5.19+)
                sqeWithSpace(1).prepCancel(0, CancelFlags.ANY | CancelFlags.ALL).userData(UD_IGNORE);
                lastCancel = now;
            }
            enterCalls++;
            ring.submitAndWait(1, Math.min(50_000_000L, deadline - now), 0);
            ring.forEachCqe(dispatcher);
        }
        boolean clean = true;
        for (int i = 0; i < slotCount; i++) {
            Op<?> op = slots[i];
            if (op == null) continue;
            if (!(op instanceof RawOp r) || r.pending > 0) {
                clean = false;
                synchronized (ABANDONED) { ABANDONED.add(op); }
            }
            op.abort(new ErrnoException(Errno.ECANCELED, "io_uring", op.describe(), "event loop '" + name
                    + "' closed and the kernel did not complete the operation within " + closeTimeoutNanos / 1_000_000 + " ms"));
            slots[i] = null;
        }
        return clean && !wakeArmed;
    }

    private void drainAfterTermination() {
        synchronized (lateDrainLock) {
            Op<?> op;
            while ((op = poll()) != null) op.abort(rejected());
        }
    }

    @Override
    public String toString() {
        return "EventLoop[" + name + ", " + (ring == null ? "no ring" : SetupFlags.names(ringFlags)) + ", state="
                + (state == RUNNING ? "running" : state == CLOSING ? "closing" : "terminated") + "]";
    }

    // ================================================================= internal node types

    private static final class StubOp extends Op<Void> {
        @Override void prep(Sqe sqe, EventLoop l) { throw new AssertionError(); }
        @Override void onCqe(int res, int flags) {}
    }

    private static final class TaskOp extends Op<Void> {
        private final Runnable task;

        TaskOp(Runnable task) { this.task = task; }

        @Override void runOnLoop(EventLoop l) { l.runTask(task); }
        @Override void prep(Sqe sqe, EventLoop l) { throw new AssertionError(); }
        @Override void onCqe(int res, int flags) {}
        @Override void abort(Throwable cause) {
            // a task never run is reported like an executor's rejection
            System.err.println("uring4j: task dropped by closed event loop: " + task);
        }
    }

    private static final class CancelOp extends Op<Void> {
        private final Op<?> target;

        CancelOp(Op<?> target) { this.target = target; }

        @Override void runOnLoop(EventLoop l) { l.cancelInFlight(target); }
        @Override void prep(Sqe sqe, EventLoop l) { throw new AssertionError(); }
        @Override void onCqe(int res, int flags) {}
        @Override void abort(Throwable cause) {}
    }

    /** A registered id whose CQEs go to a {@link CqeCallback}; never freed by a CQE. */
    private static final class RawOp extends Op<Void> {
        private final CqeCallback callback;
        int pending;

        RawOp(CqeCallback callback) { this.callback = callback; }

        @Override void prep(Sqe sqe, EventLoop l) { throw new AssertionError(); }
        @Override boolean isFinal(int cqeFlags) { return false; }
        @Override void onCqe(int res, int flags) { callback.onCqe(res, flags); }
        @Override void abort(Throwable cause) {}
        @Override String describe() { return "registered " + callback; }
    }
}
