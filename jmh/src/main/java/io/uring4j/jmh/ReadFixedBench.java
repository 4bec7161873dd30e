package io.uring4j.jmh;

import io.uring4j.register.FixedBuffers;
import io.uring4j.register.RegisteredFiles;
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
 * 4 KiB READ_FIXED at random offsets of a 16 MiB cached file, registered buffers and file, 32 per
 * enter: the loop of {@code uring4j bench randread}, per read (kernel copy included).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ReadFixedBench implements CqeHandler {
    static final int QD = 32, BS = 4096, BLOCKS = 4096;
    private Path file;
    private int fd = -1;
    private Arena arena;
    private Ring ring;
    private FixedBuffers bufs;
    private RegisteredFiles files;
    private long x = 88172645463325252L;
    private long sum;

    @Setup
    public void setup() throws Exception {
        file = FileSupport.dataFile("readfixed", (long) BS * BLOCKS);
        fd = FileSupport.open(file);
        arena = Arena.ofShared();
        ring = Ring.open(QD);
        MemorySegment mem = arena.allocate((long) QD * BS, 4096);
        MemorySegment[] slices = new MemorySegment[QD];
        for (int i = 0; i < QD; i++) slices[i] = mem.asSlice((long) i * BS, BS);
        bufs = FixedBuffers.register(ring, slices);
        files = RegisteredFiles.register(ring, fd);
    }

    @TearDown
    public void tearDown() throws IOException {
        ring.close();
        arena.close();
        FileSupport.close(fd);
        Files.deleteIfExists(file);
    }

    @Override
    public void handle(Cqe cqe) {
        sum += cqe.res();
        bufs.ioCompleted();
    }

    @Benchmark
    @OperationsPerInvocation(QD)
    public long readFixedBatch32() {
        Ring r = ring;
        long x = this.x;
        for (int i = 0; i < QD; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            long off = (((x >>> 32) * BLOCKS) >>> 32) * BS;
            r.nextSqe().prepReadFixed(0, bufs, i, 0, BS, off).fixedFile(files, 0).userData(i);
        }
        this.x = x;
        r.submit();
        int n = r.forEachCqe(this);
        while (n < QD) {
            r.submitAndWait(1);
            n += r.forEachCqe(this);
        }
        return sum;
    }
}
