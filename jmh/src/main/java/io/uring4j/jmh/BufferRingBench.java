package io.uring4j.jmh;

import io.uring4j.register.Buffer;
import io.uring4j.register.BufferRing;
import io.uring4j.ring.Cqe;
import io.uring4j.ring.CqeHandler;
import io.uring4j.ring.Ring;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Provided-buffer recycling: 32 READs of 64 bytes per enter, each with the kernel picking a buffer
 * from a {@link BufferRing}; each completion is taken ({@link BufferRing#take}) and released back to
 * the ring. {@code readSelectRecycle} minus {@code readPlain} (the same reads into 32 fixed
 * addresses) is the cost of buffer selection plus the take/release cycle, per read.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class BufferRingBench {
    static final int QD = 32, LEN = 64, BGID = 7;
    private Path file;
    private int fd = -1;
    private Arena arena;
    private Ring ring;
    private BufferRing bufRing;
    private MemorySegment[] plain;
    private long sum;

    private final CqeHandler recycle = this::recycle;
    private final CqeHandler count = c -> sum += c.res();

    @Setup
    public void setup() throws Exception {
        file = FileSupport.dataFile("bufring", 1 << 20);
        fd = FileSupport.open(file);
        arena = Arena.ofShared();
        ring = Ring.open(QD);
        bufRing = BufferRing.builder(ring).group(BGID).entries(64).bufferSize(LEN).count(64).build();
        MemorySegment mem = arena.allocate((long) QD * LEN, 64);
        plain = new MemorySegment[QD];
        for (int i = 0; i < QD; i++) plain[i] = mem.asSlice((long) i * LEN, LEN);
    }

    @TearDown
    public void tearDown() throws IOException {
        ring.close();
        arena.close();
        FileSupport.close(fd);
        Files.deleteIfExists(file);
    }

    private void recycle(Cqe cqe) {
        Buffer b = bufRing.take(cqe);
        sum += b.segment().byteSize();
        b.release();
    }

    private void run(CqeHandler h) {
        Ring r = ring;
        r.submit();
        int n = r.forEachCqe(h);
        while (n < QD) {
            r.submitAndWait(1);
            n += r.forEachCqe(h);
        }
    }

    @Benchmark
    @OperationsPerInvocation(QD)
    public long readSelectRecycle() {
        for (int i = 0; i < QD; i++) ring.nextSqe().prepReadSelect(fd, BGID, LEN, (long) i * LEN).userData(i);
        run(recycle);
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(QD)
    public long readPlain() {
        for (int i = 0; i < QD; i++) ring.nextSqe().prepRead(fd, plain[i], (long) i * LEN).userData(i);
        run(count);
        return sum;
    }
}
