package io.uring4j.jmh;

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

import java.util.concurrent.TimeUnit;

/**
 * The ring's hot path, per operation: prepare a NOP SQE, publish it, io_uring_enter, reap the CQE.
 * With {@code -prof gc}, {@code gc.alloc.rate.norm} is the bytes allocated per operation (the
 * target is 0).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RingBench implements CqeHandler {
    private Ring ring32, ring1;
    private long sum;

    @Setup
    public void setup() throws Exception {
        ring32 = Ring.open(32);
        ring1 = Ring.open(8);
    }

    @TearDown
    public void tearDown() {
        ring32.close();
        ring1.close();
    }

    @Override
    public void handle(Cqe cqe) {
        sum += cqe.userData() + cqe.res();
    }

    /** 32 NOPs per io_uring_enter: prep + submit + reap, per NOP. */
    @Benchmark
    @OperationsPerInvocation(32)
    public long nopBatch32() {
        Ring r = ring32;
        for (int i = 0; i < 32; i++) r.nextSqe().prepNop().userData(i);
        r.submit();
        int n = r.forEachCqe(this);
        while (n < 32) {
            r.submitAndWait(1);
            n += r.forEachCqe(this);
        }
        return sum;
    }

    /** One NOP per io_uring_enter: prep + submit + reap. */
    @Benchmark
    public long nopSingle() {
        Ring r = ring1;
        r.nextSqe().prepNop().userData(7);
        r.submit();
        while (r.forEachCqe(this) == 0) r.submitAndWait(1);
        return sum;
    }
}
