package io.uring4j.bench;

import io.uring4j.ErrnoException;
import io.uring4j.ring.Cqe;
import io.uring4j.ring.CqeHandler;
import io.uring4j.register.FixedBuffers;
import io.uring4j.register.RegisteredFiles;
import io.uring4j.ring.Ring;
import io.uring4j.ring.RingBuilder;
import io.uring4j.ring.Sqe;
import io.uring4j.sys.Sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;


/**
 * Random reads through a uring4j {@link Ring}, the same loop as fio's io_uring engine: keep
 * {@code qd} reads in flight, submit them {@code batch} per io_uring_enter, reap whatever has
 * completed (at least one), refill. Buffer {@code i} belongs to the read whose user_data is
 * {@code i}, so a completion frees exactly its buffer.
 *
 * <p>Fixed buffers and the file are registered through {@link FixedBuffers} and
 * {@link RegisteredFiles}: READ_FIXED with buf_index {@code i}, IOSQE_FIXED_FILE on slot 0.
 */
final class UringRandRead implements CqeHandler {
    private final RandReadSpec spec;
    private final boolean sqPoll;

    private final int[] free;
    private FixedBuffers bufs;
    private RegisteredFiles files;
    private int freeTop;
    private long completed, errors;
    private int lastError;

    UringRandRead(RandReadSpec spec, boolean sqPoll) {
        this.spec = spec;
        this.sqPoll = sqPoll;
        this.free = new int[spec.qd()];
    }

    static String name(boolean sqPoll) {
        return sqPoll ? "uring4j-sqpoll" : "uring4j";
    }

    EngineResult run(Progress progress) throws IOException {
        int flags = Sys.O_RDONLY | Sys.O_CLOEXEC | (spec.direct() ? Sys.O_DIRECT : 0);
        int fd = Sys.open(spec.file().toString(), flags, 0);
        if (fd < 0) throw new ErrnoException(-fd, "open", spec.file().toString());
        RingBuilder b = Ring.builder().entries(spec.qd());
        if (sqPoll) b.sqPoll(1000);
        try (Arena arena = Arena.ofConfined(); Ring ring = b.build()) {
            int bs = spec.blockSize(), qd = spec.qd();
            MemorySegment memory = arena.allocate((long) bs * qd, 4096);
            MemorySegment[] slices = new MemorySegment[qd];
            for (int i = 0; i < qd; i++) slices[i] = memory.asSlice((long) i * bs, bs);
            bufs = null;
            files = null;
            if (spec.fixedBuffers()) bufs = FixedBuffers.register(ring, slices);
            if (spec.fixedFiles()) files = RegisteredFiles.register(ring, fd);
            // JIT warm-up in short calls, so the loop's exit is profiled before the measured call
            long warmEnd = System.nanoTime() + seconds(spec.warmupSeconds());
            while (System.nanoTime() < warmEnd) loop(ring, slices, fd, 25_000_000L);
            double before = spec.direct() ? Double.NaN : TestFile.warm(spec.file());
            long[] r = loop(ring, slices, fd, seconds(spec.seconds()));
            double after = spec.direct() ? Double.NaN : TestFile.residency(spec.file());
            if (errors > 0)
                throw new IOException(errors + " of " + completed + " reads failed or were short; last res=" + lastError);
            return new EngineResult(name(sqPoll), r[0], r[1], r[2], before, after, null);
        } finally {
            Sys.close(fd);
        }
    }

    private static long seconds(double s) {
        return (long) (s * 1e9);
    }

    /** Runs the read loop for {@code nanos}; returns {completed reads, elapsed ns, thread CPU ns}. Drains before returning. */
    private long[] loop(Ring ring, MemorySegment[] slices, int fd, long nanos) throws IOException {
        final int qd = spec.qd(), batch = spec.batch(), bs = spec.blockSize();
        final long blocks = spec.blocks();
        final FixedBuffers bufs = this.bufs;
        final RegisteredFiles files = this.files;
        final int sqeFd = files != null ? 0 : fd;
        freeTop = 0;
        for (int i = qd - 1; i >= 0; i--) free[freeTop++] = i;
        completed = 0;
        errors = 0;
        long x = System.nanoTime() | 1;
        int inflight = 0;
        long cpu0 = CpuTime.threadNanos();
        long start = System.nanoTime(), end = start + nanos, now;
        do {
            int n = Math.min(batch, qd - inflight);
            for (int i = 0; i < n; i++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                long off = (((x >>> 32) * blocks) >>> 32) * bs;
                int idx = free[--freeTop];
                Sqe s = ring.nextSqe();
                if (s == null) s = awaitSqe(ring);
                if (bufs != null) s.prepReadFixed(sqeFd, bufs, idx, 0, bs, off);
                else s.prepRead(sqeFd, slices[idx], off);
                if (files != null) s.fixedFile(files, 0);
                s.userData(idx);
            }
            inflight += n;
            int r = ring.submit();
            if (r < 0) throw new ErrnoException(-r, "io_uring_enter", "submit " + n + " reads");
            inflight -= reap(ring);
            now = System.nanoTime();
        } while (now < end);
        long done = completed, cpu1 = CpuTime.threadNanos();
        while (inflight > 0) inflight -= reap(ring);
        return new long[] {done, now - start, cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0};
    }

    /**
     * Under SQPOLL the kernel thread posts a batch's completions before it publishes the new SQ
     * head, so a slot freed by a reaped read may not look free yet: wait for the head to move.
     */
    private Sqe awaitSqe(Ring ring) {
        if (!sqPoll) throw new IllegalStateException("submission queue full with " + spec.qd() + " reads in flight");
        Sqe s;
        for (int spins = 0; (s = ring.nextSqe()) == null; spins++) pause(spins);
        return s;
    }

    /**
     * Reaps at least one completion: polls the CQ under SQPOLL (as fio does), else waits in
     * io_uring_enter.
     */
    private int reap(Ring ring) throws IOException {
        int n;
        for (int spins = 0; (n = ring.forEachCqe(this)) == 0; spins++) {
            if (sqPoll) {
                pause(spins);
            } else {
                int r = ring.submitAndWait(1);
                if (r < 0) throw new ErrnoException(-r, "io_uring_enter", "wait for a read completion");
            }
        }
        return n;
    }

    /**
     * A short busy spin, then yields: when the kernel's SQ thread shares this CPU (fewer cores
     * than busy threads), spinning on would only burn the time slice it needs to make progress.
     */
    private static void pause(int spins) {
        if (spins < SPINS_BEFORE_YIELD) Thread.onSpinWait();
        else Thread.yield();
    }

    private static final int SPINS_BEFORE_YIELD = 256;

    @Override
    public void handle(Cqe cqe) {
        int res = cqe.res();
        if (res != spec.blockSize()) {
            errors++;
            lastError = res;
        }
        free[freeTop++] = (int) cqe.userData();
        completed++;
        if (bufs != null) bufs.ioCompleted();
    }
}
