package io.uring4j.cli;

import io.uring4j.loop.BlockingIo;
import io.uring4j.loop.EventLoopGroup;
import io.uring4j.loop.LoopStats;
import io.uring4j.sys.Sys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code uring4j bench vthreads}: many virtual threads doing random 4 KiB reads of a cached file,
 * through uring4j's blocking API and through {@link FileChannel}, in one run. Reports throughput
 * and how many carrier and platform threads each needed.
 */
@Command(name = "vthreads", mixinStandardHelpOptions = true,
        description = "Virtual threads doing random 4 KiB reads of a cached file: uring4j BlockingIo vs FileChannel.")
final class VthreadsBenchCommand implements Callable<Integer> {
    @Option(names = "--threads", description = "Virtual threads (default ${DEFAULT-VALUE}).")
    int threads = 1000;

    @Option(names = "--file-mib", description = "File size in MiB (default ${DEFAULT-VALUE}).")
    int fileMib = 256;

    @Option(names = "--seconds", description = "Measured seconds per side (default ${DEFAULT-VALUE}).")
    double seconds = 5;

    @Option(names = "--warmup", description = "Warm-up seconds per side (default ${DEFAULT-VALUE}).")
    double warmup = 1;

    @Option(names = "--loops", description = "uring4j event loops (default ${DEFAULT-VALUE}).")
    int loops = 1;

    @Option(names = "--dir", description = "Work directory (default ${DEFAULT-VALUE}).")
    Path dir = Path.of(".uring4j-work");

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    static final int BLOCK = 4096;

    record Result(String name, long ops, double seconds, int carriers, int peakPlatformThreads, long badBlocks, double cpuSeconds) {
        /** Process CPU time (user + system, all threads) per read: comparable even on a busy machine. */
        double cpuMicrosPerRead() { return cpuSeconds * 1e6 / Math.max(1, ops); }

        double opsPerSec() { return ops / seconds; }

        double mibPerSec() { return ops * (double) BLOCK / (1 << 20) / seconds; }
    }

    interface Reader {
        /** Reads block {@code block} into the thread's buffer; returns the long stored at its start. */
        long read(long block) throws IOException;
    }

    interface ReaderFactory {
        Reader newReader(Arena arena);
    }

    @Override
    public Integer call() throws Exception {
        if (threads < 1 || fileMib < 1 || seconds <= 0) throw new IllegalArgumentException("threads, file-mib and seconds must be > 0");
        Files.createDirectories(dir);
        Path file = dir.resolve("vthreads-" + fileMib + "m.bin");
        long blocks = prepare(file, (long) fileMib << 20);
        List<Result> results = new ArrayList<>();
        // uring4j first: FileChannel's compensating carriers outlive its run and would be counted
        // against whichever side ran second
        try (EventLoopGroup group = EventLoopGroup.open(loops, 1024)) {
            BlockingIo io = new BlockingIo(group);
            int fd = Sys.open(file.toString(), Sys.O_RDONLY | Sys.O_CLOEXEC, 0);
            if (fd < 0) throw new IOException("open " + file + ": errno " + -fd);
            try {
                LoopStats before = group.loops().get(0).stats();
                results.add(run("uring4j BlockingIo", blocks, arena -> {
                    MemorySegment buf = arena.allocate(BLOCK, BLOCK);
                    return block -> {
                        int n = io.read(fd, buf, block * BLOCK);
                        if (n != BLOCK) throw new IOException("short read " + n);
                        return buf.get(JAVA_LONG, 0);
                    };
                }));
                LoopStats after = group.loops().get(0).stats();
                if (!json) System.out.printf(Locale.ROOT, "  (loop 0: %.1f ops per io_uring_enter, %d eventfd wake-ups)%n",
                        (double) (after.opsSubmitted() - before.opsSubmitted()) / Math.max(1, after.enterCalls() - before.enterCalls()),
                        after.wakeups() - before.wakeups());
                BlockingIo fast = io.nowaitFirst();
                results.add(run("uring4j nowaitFirst", blocks, arena -> {
                    MemorySegment buf = arena.allocate(BLOCK, BLOCK);
                    return block -> {
                        int n = fast.read(fd, buf, block * BLOCK);
                        if (n != BLOCK) throw new IOException("short read " + n);
                        return buf.get(JAVA_LONG, 0);
                    };
                }));
            } finally {
                Sys.close(fd);
            }
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            results.add(run("FileChannel", blocks, arena -> {
                ByteBuffer buf = ByteBuffer.allocateDirect(BLOCK).order(ByteOrder.nativeOrder());
                return block -> {
                    buf.clear();
                    long pos = block * BLOCK;
                    while (buf.hasRemaining()) {
                        int n = ch.read(buf, pos + buf.position());
                        if (n < 0) throw new IOException("EOF at " + pos);
                    }
                    return buf.getLong(0);
                };
            }));
        }
        print(results);
        for (Result r : results) if (r.badBlocks > 0) return 1;
        return 0;
    }

    /** Creates the file (each 4 KiB block starts with its index) and reads it once so it is cached. */
    private long prepare(Path file, long size) throws IOException {
        long blocks = size / BLOCK;
        if (!Files.exists(file) || Files.size(file) != size) {
            if (!json) System.out.println("creating " + file + " (" + (size >> 20) + " MiB)");
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.nativeOrder());
                for (long b = 0; b < blocks; ) {
                    int k = (int) Math.min((1 << 20) / BLOCK, blocks - b);
                    chunk.clear();
                    for (int i = 0; i < k; i++, b++) {
                        chunk.putLong(i * BLOCK, b);
                        chunk.putLong(i * BLOCK + 8, b * 0x9E3779B97F4A7C15L);
                    }
                    chunk.limit(k * BLOCK);
                    while (chunk.hasRemaining()) ch.write(chunk);
                }
            }
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            while (true) {
                buf.clear();
                if (ch.read(buf) < 0) break;
            }
        }
        return blocks;
    }

    private Result run(String name, long blocks, ReaderFactory factory) throws InterruptedException {
        phase(name, blocks, factory, warmup, false);
        return phase(name, blocks, factory, seconds, true);
    }

    private Result phase(String name, long blocks, ReaderFactory factory, double secs, boolean measure) throws InterruptedException {
        ThreadSampler sampler = new ThreadSampler();
        Set<String> carriers = ConcurrentHashMap.newKeySet();
        LongAdder ops = new LongAdder(), bad = new LongAdder();
        AtomicReference<Throwable> error = new AtomicReference<>();
        Thread[] ts = new Thread[threads];
        java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(threads);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        long[] stopAt = {Long.MAX_VALUE};
        for (int t = 0; t < threads; t++) {
            ts[t] = Thread.ofVirtual().name("bench-" + t).start(() -> {
                try (Arena arena = Arena.ofConfined()) {
                    Reader r = factory.newReader(arena);
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    ready.countDown();
                    go.await();
                    long n = 0;
                    while (true) {
                        long b = rnd.nextLong(blocks);
                        if (r.read(b) != b) bad.increment();
                        if ((++n & 255) == 0) {
                            carriers.add(carrier());
                            if (System.nanoTime() - stopAt[0] >= 0) break;
                        }
                        if ((n & 63) == 0 && System.nanoTime() - stopAt[0] >= 0) break;
                    }
                    ops.add(n);
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                    ready.countDown();
                }
            });
        }
        ready.await();
        double cpu0 = processCpuSeconds();
        long t0 = System.nanoTime();
        stopAt[0] = t0 + (long) (secs * 1e9);
        go.countDown();
        for (Thread t : ts) t.join();
        long t1 = System.nanoTime();
        double cpu = processCpuSeconds() - cpu0;
        int peakThreads = sampler.stop();
        if (error.get() != null) throw new IllegalStateException(name + " failed", error.get());
        Result r = new Result(name, ops.sum(), (t1 - t0) / 1e9, carriers.size(), peakThreads, bad.sum(), cpu);
        if (measure && !json)
            System.out.printf(Locale.ROOT, "%-20s %,12.0f reads/s %9.1f MiB/s  %5.2f CPU-us/read  carriers=%d  peak OS threads=%d%s%n",
                    name, r.opsPerSec(), r.mibPerSec(), r.cpuMicrosPerRead(), r.carriers, r.peakPlatformThreads,
                    r.badBlocks > 0 ? "  BAD BLOCKS=" + r.badBlocks : "");
        return r;
    }

    /** Samples the process's OS thread count (/proc/self/status) every 5 ms; keeps the peak. */
    static final class ThreadSampler {
        private final Thread thread;
        private volatile boolean stop;
        private int peak;

        ThreadSampler() {
            thread = Thread.ofPlatform().daemon().name("thread-sampler").start(() -> {
                while (!stop) {
                    peak = Math.max(peak, osThreads());
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        /** Stops sampling; the peak, minus this sampler thread. */
        int stop() throws InterruptedException {
            stop = true;
            thread.join();
            return peak - 1;
        }

        static int osThreads() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status")))
                    if (line.startsWith("Threads:")) return Integer.parseInt(line.substring(8).trim());
            } catch (IOException | NumberFormatException e) {
                return -1;
            }
            return -1;
        }
    }

    /** utime + stime of this process from /proc/self/stat (clock ticks, assumed 100 Hz). */
    static double processCpuSeconds() {
        try {
            String st = Files.readString(Path.of("/proc/self/stat"));
            String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // fields 14 and 15
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    static String carrier() {
        String s = Thread.currentThread().toString(); // VirtualThread[#n,name]/runnable@ForkJoinPool-1-worker-2
        int at = s.lastIndexOf('@');
        return at < 0 ? s : s.substring(at + 1);
    }

    private void print(List<Result> rs) {
        Result u = rs.get(0), n = rs.get(1), f = rs.get(2);
        if (!json) {
            System.out.printf(Locale.ROOT, "throughput vs FileChannel: ring %.2f, nowaitFirst %.2f; carriers %d / %d / %d%n",
                    u.opsPerSec() / f.opsPerSec(), n.opsPerSec() / f.opsPerSec(), u.carriers, n.carriers, f.carriers);
            return;
        }
        StringBuilder sb = new StringBuilder("{\"bench\":\"vthreads\",\"threads\":").append(threads)
                .append(",\"fileMiB\":").append(fileMib).append(",\"blockBytes\":").append(BLOCK)
                .append(",\"loops\":").append(loops).append(",\"cpus\":").append(Runtime.getRuntime().availableProcessors())
                .append(",\"results\":[");
        for (int i = 0; i < rs.size(); i++) {
            Result r = rs.get(i);
            if (i > 0) sb.append(',');
            sb.append(String.format(Locale.ROOT, "{\"name\":\"%s\",\"reads\":%d,\"seconds\":%.3f,\"readsPerSec\":%.0f,"
                            + "\"mibPerSec\":%.1f,\"cpuMicrosPerRead\":%.3f,\"carrierThreads\":%d,\"peakOsThreads\":%d,\"badBlocks\":%d}",
                    r.name, r.ops, r.seconds, r.opsPerSec(), r.mibPerSec(), r.cpuMicrosPerRead(), r.carriers, r.peakPlatformThreads, r.badBlocks));
        }
        sb.append(String.format(Locale.ROOT, "],\"ratioRingVsFileChannel\":%.3f,\"ratioNowaitFirstVsFileChannel\":%.3f}",
                u.opsPerSec() / f.opsPerSec(), n.opsPerSec() / f.opsPerSec()));
        System.out.println(sb);
    }
}
