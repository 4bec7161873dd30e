package io.uring4j.jmh;

import io.uring4j.ring.Cqe;
import io.uring4j.ring.CqeHandler;
import io.uring4j.ring.Ring;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * Reaping alone: {@value #N} completions are made ready (NOPs submitted in the untimed per-invocation
 * setup), then {@code forEachCqe} or {@code peekCqe}/{@code cqeSeen} hands each to a handler that
 * reads user_data and res. Per completion.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class CqeIterationBench implements CqeHandler {
    static final int N = 2048;
    private Ring ring;
    private long sum;

    @Setup
    public void setup() throws Exception {
        ring = Ring.builder().entries(N).cqEntries(2 * N).build();
    }

    @Setup(Level.Invocation)
    public void fill() {
        for (int i = 0; i < N; i++) ring.nextSqe().prepNop().userData(i);
        ring.submitAndWait(N);
    }

    @TearDown
    public void tearDown() {
        ring.close();
    }

    @Override
    public void handle(Cqe cqe) {
        sum += cqe.userData() + cqe.res();
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long forEachCqe() {
        int n = ring.forEachCqe(this);
        if (n != N) throw new IllegalStateException("reaped " + n);
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long peekAndSeen() {
        Cqe c;
        long s = 0;
        while ((c = ring.peekCqe()) != null) {
            s += c.userData() + c.res();
            ring.cqeSeen();
        }
        return s;
    }
}
