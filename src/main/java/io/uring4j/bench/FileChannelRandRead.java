package io.uring4j.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * The JDK baseline: {@code FileChannel.read(buffer, position)} (one pread per read) from one
 * thread into a direct buffer, at the same random offsets as the ring engines. Queue depth and
 * batching do not apply; O_DIRECT is not offered by the JDK's public API, so it always reads
 * through the page cache.
 */
final class FileChannelRandRead {
    static final String NAME = "filechannel";
    private final RandReadSpec spec;

    FileChannelRandRead(RandReadSpec spec) {
        this.spec = spec;
    }

    EngineResult run(Progress progress) throws IOException {
        try (FileChannel ch = FileChannel.open(spec.file(), StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(spec.blockSize());
            long warmEnd = System.nanoTime() + (long) (spec.warmupSeconds() * 1e9);
            while (System.nanoTime() < warmEnd) loop(ch, buf, 25_000_000L);
            double before = TestFile.warm(spec.file());
            long[] r = loop(ch, buf, (long) (spec.seconds() * 1e9));
            double after = TestFile.residency(spec.file());
            return new EngineResult(NAME, r[0], r[1], r[2], before, after, spec.direct() ? "buffered (no O_DIRECT in FileChannel)" : null);
        }
    }

    private long[] loop(FileChannel ch, ByteBuffer buf, long nanos) throws IOException {
        final int bs = spec.blockSize();
        final long blocks = spec.blocks();
        long x = System.nanoTime() | 1, ops = 0;
        long cpu0 = CpuTime.threadNanos();
        long start = System.nanoTime(), end = start + nanos, now;
        do {
            for (int i = 0; i < 32; i++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                long off = (((x >>> 32) * blocks) >>> 32) * bs;
                buf.clear();
                int n = ch.read(buf, off);
                if (n != bs) throw new IOException("short read at " + off + ": " + n + " of " + bs + " bytes");
            }
            ops += 32;
            now = System.nanoTime();
        } while (now < end);
        long cpu1 = CpuTime.threadNanos();
        return new long[] {ops, now - start, cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0};
    }
}
