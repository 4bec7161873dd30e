package io.uring4j.cli;

import io.uring4j.ErrnoException;
import io.uring4j.sys.Sys;
import io.uring4j.sys.Uffd;
import io.uring4j.uffd.FaultHandlingService;
import io.uring4j.uffd.FaultStats;
import io.uring4j.uffd.LazyFileMapping;
import io.uring4j.uffd.LazyRegion;
import io.uring4j.uffd.WriteTracker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** The userfaultfd demos under {@code uring4j demo}. */
final class UffdDemoCommands {
    private UffdDemoCommands() {}

    static void print(boolean json, Map<String, Object> out) {
        if (json) {
            System.out.println(Json.write(out));
        } else {
            out.forEach((k, v) -> System.out.printf("  %-22s %s%n", k, v instanceof Map<?, ?> || v instanceof List<?> ? Json.write(v) : v));
        }
    }

    static double mbps(long bytes, long nanos) {
        return Math.round(bytes / (nanos / 1e9) / 1e6 * 10) / 10.0;
    }

    /** {@code demo lazy-file}: a file appears in anonymous memory page by page on first touch. */
    @Command(name = "lazy-file", mixinStandardHelpOptions = true,
            description = "Lazy file paging: read a file through userfaultfd-filled memory from several threads and "
                    + "compare checksums with a plain read.")
    static final class LazyFile implements Callable<Integer> {
        @Option(names = "--file", description = "File to map (default: a temporary file of random data).")
        Path file;

        @Option(names = "--size-mib", description = "Size of the temporary file (default ${DEFAULT-VALUE}).", defaultValue = "256")
        int sizeMib;

        @Option(names = "--threads", description = "Reading threads (default ${DEFAULT-VALUE}).", defaultValue = "2")
        int threads;

        @Option(names = "--fault-around-kib", description = "Fault-around chunk (default ${DEFAULT-VALUE}).", defaultValue = "64")
        long faultAroundKib;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        static final int BLOCK = 1 << 20;

        @Override
        public Integer call() throws Exception {
            Path f = file;
            boolean temp = f == null;
            if (temp) f = makeFile(sizeMib);
            try {
                long size = Files.size(f);
                int blocks = (int) ((size + BLOCK - 1) / BLOCK);
                long t0 = System.nanoTime();
                long[] plain = plainChecksums(f, blocks);
                long plainNs = System.nanoTime() - t0;
                long[] lazy = new long[blocks];
                FaultStats stats;
                LazyFileMapping m = LazyFileMapping.open(f, FaultHandlingService.builder().faultAround(faultAroundKib << 10));
                long t1 = System.nanoTime();
                long lazyNs;
                try (m) {
                    LazyRegion r = m.region();
                    List<Thread> ts = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        int id = t;
                        ts.add(Thread.ofPlatform().start(() -> {
                            byte[] buf = new byte[BLOCK];
                            for (int b = id; b < blocks; b += threads) {
                                int len = (int) Math.min(BLOCK, size - (long) b * BLOCK);
                                MemorySegment dst = MemorySegment.ofArray(buf).asSlice(0, len);
                                r.copyTo((long) b * BLOCK, dst);
                                CRC32C c = new CRC32C();
                                c.update(buf, 0, len);
                                lazy[b] = c.getValue();
                            }
                        }));
                    }
                    for (Thread t : ts) t.join();
                    lazyNs = System.nanoTime() - t1;
                }
                stats = m.service().stats();   // after close: the handler has finished counting
                boolean match = java.util.Arrays.equals(plain, lazy);
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("demo", "lazy-file");
                out.put("file", f.toString());
                out.put("bytes", size);
                out.put("threads", threads);
                out.put("fault_around_bytes", faultAroundKib << 10);
                out.put("checksums_match", match);
                out.put("checksum", combined(plain));
                out.put("plain_read_mb_per_sec", mbps(size, plainNs));
                out.put("lazy_mb_per_sec", mbps(size, lazyNs));
                out.put("faults", stats.faults());
                out.put("bytes_copied", stats.bytesCopied());
                out.put("handler_latency_ns", Map.of("p50", stats.p50Nanos(), "p99", stats.p99Nanos(), "max", stats.maxNanos()));
                if (!json) System.out.println("lazy file paging (userfaultfd MISSING faults, COPY from pread)");
                print(json, out);
                return match ? 0 : 1;
            } finally {
                if (temp) Files.deleteIfExists(f);
            }
        }

        static long combined(long[] crcs) {
            CRC32C c = new CRC32C();
            ByteBuffer b = ByteBuffer.allocate(8);
            for (long x : crcs) {
                b.clear();
                b.putLong(x).flip();
                c.update(b);
            }
            return c.getValue();
        }

        static Path makeFile(int mib) throws Exception {
            Path f = Files.createTempFile("uring4j-lazy-", ".bin");
            SplittableRandom rnd = new SplittableRandom(42);
            ByteBuffer buf = ByteBuffer.allocateDirect(BLOCK);
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                for (int b = 0; b < mib; b++) {
                    buf.clear();
                    while (buf.hasRemaining()) buf.putLong(rnd.nextLong());
                    buf.flip();
                    while (buf.hasRemaining()) ch.write(buf);
                }
            }
            return f;
        }

        static long[] plainChecksums(Path f, int blocks) throws Exception {
            long[] out = new long[blocks];
            ByteBuffer buf = ByteBuffer.allocateDirect(BLOCK);
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                for (int b = 0; b < blocks; b++) {
                    buf.clear();
                    long pos = (long) b * BLOCK;
                    while (buf.hasRemaining()) {
                        int n = ch.read(buf, pos + buf.position());
                        if (n < 0) break;
                    }
                    buf.flip();
                    CRC32C c = new CRC32C();
                    c.update(buf);
                    out[b] = c.getValue();
                }
            }
            return out;
        }
    }

    /** {@code demo write-tracking}: which pages were written since the last snapshot, both ways. */
    @Command(name = "write-tracking", mixinStandardHelpOptions = true,
            description = "Write tracking: WP faults through a handler thread (sync) and WP_ASYNC + PAGEMAP_SCAN (async).")
    static final class WriteTracking implements Callable<Integer> {
        @Option(names = "--pages", description = "Tracked pages (default ${DEFAULT-VALUE}).", defaultValue = "16384")
        int pages;

        @Option(names = "--writes", description = "Random writes per round (default ${DEFAULT-VALUE}).", defaultValue = "2000")
        int writes;

        @Option(names = "--rounds", description = "Snapshot rounds (default ${DEFAULT-VALUE}).", defaultValue = "5")
        int rounds;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("demo", "write-tracking");
            out.put("pages", pages);
            boolean ok = true;
            FaultHandlingService svc = FaultHandlingService.builder().name("wp-handler").build();
            Map<String, Object> rs;
            try (svc; WriteTracker sync = WriteTracker.sync(svc, (long) pages * Sys.PAGE_SIZE)) {
                rs = run(sync);
            }
            rs.put("wp_faults_resolved", svc.stats().wpResolved());
            ok &= (Boolean) rs.get("all_rounds_match");
            out.put("sync", rs);
            try (WriteTracker async = WriteTracker.async((long) pages * Sys.PAGE_SIZE)) {
                Map<String, Object> r = run(async);
                ok &= (Boolean) r.get("all_rounds_match");
                out.put("async", r);
            }
            if (!json) System.out.println("write tracking (userfaultfd WP): pages written per round vs pages reported");
            print(json, out);
            return ok ? 0 : 1;
        }

        private Map<String, Object> run(WriteTracker t) throws ErrnoException {
            SplittableRandom rnd = new SplittableRandom(1);
            boolean match = true;
            long written = 0, reported = 0, snapNs = 0, writeNs = 0;
            for (int round = 0; round < rounds; round++) {
                BitSet want = new BitSet(pages);
                long w0 = System.nanoTime();
                for (int i = 0; i < writes; i++) {
                    int p = rnd.nextInt(pages);
                    want.set(p);
                    t.setLong((long) p * Sys.PAGE_SIZE + 8L * rnd.nextInt(512), i);
                }
                writeNs += System.nanoTime() - w0;
                long s0 = System.nanoTime();
                BitSet got = t.snapshot();
                snapNs += System.nanoTime() - s0;
                match &= got.equals(want);
                written += want.cardinality();
                reported += got.cardinality();
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mode", t.mode().name().toLowerCase());
            m.put("rounds", rounds);
            m.put("pages_written", written);
            m.put("pages_reported", reported);
            m.put("all_rounds_match", match);
            m.put("ns_per_write", writes == 0 ? 0 : writeNs / ((long) writes * rounds));
            m.put("us_per_snapshot", snapNs / 1000 / Math.max(1, rounds));
            return m;
        }
    }

    /** {@code demo minor}: MINOR faults on a shmem memfd, resolved with CONTINUE after a hook edits the page. */
    @Command(name = "minor", mixinStandardHelpOptions = true,
            description = "MINOR faults: pages already in a memfd's page cache are 'decrypted' by a hook on first "
                    + "touch through a second mapping, then mapped with UFFDIO_CONTINUE.")
    static final class Minor implements Callable<Integer> {
        @Option(names = "--pages", description = "Pages (default ${DEFAULT-VALUE}).", defaultValue = "16384")
        int pages;

        @Option(names = "--fault-around-kib", description = "Fault-around chunk (default ${DEFAULT-VALUE}).", defaultValue = "64")
        long faultAroundKib;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        static final long KEY = 0x5DEECE66DL * 0x9E3779B97F4A7C15L;

        @Override
        public Integer call() throws Exception {
            long size = (long) pages * Sys.PAGE_SIZE;
            int fd = ErrnoException.check(Sys.memfdCreate("uring4j-minor", Uffd.MFD_CLOEXEC), "memfd_create", "demo");
            try (Arena arena = Arena.ofShared()) {
                ErrnoException.check(Sys.ftruncate(fd, size), "ftruncate", "memfd");
                long a = ErrnoException.check(Sys.mmap(0, size, Sys.PROT_READ | Sys.PROT_WRITE, Sys.MAP_SHARED, fd, 0), "mmap", "memfd");
                MemorySegment plain = MemorySegment.ofAddress(a).reinterpret(size, arena, s -> Sys.munmap(a, size));
                for (long off = 0; off < size; off += 8) plain.set(JAVA_LONG, off, off ^ KEY);   // "encrypted" at rest
                AtomicLong hooked = new AtomicLong();
                long bad = 0, t0, ns;
                FaultHandlingService svc = FaultHandlingService.builder().faultAround(faultAroundKib << 10).build();
                try (svc; LazyRegion r = svc.mapMinor(fd, size, (off, page) -> {
                         hooked.incrementAndGet();
                         for (long i = 0; i < page.byteSize(); i += 8) page.set(JAVA_LONG, i, page.get(JAVA_LONG, i) ^ KEY);
                     })) {
                    t0 = System.nanoTime();
                    for (long off = 0; off < size; off += 8) if (r.getLong(off) != off) bad++;
                    ns = System.nanoTime() - t0;
                }
                FaultStats stats = svc.stats();
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("demo", "minor");
                out.put("bytes", size);
                out.put("pages_hooked", hooked.get());
                out.put("wrong_words", bad);
                out.put("minor_faults", stats.faults());
                out.put("bytes_continued", stats.bytesContinued());
                out.put("mb_per_sec", mbps(size, ns));
                out.put("handler_latency_ns", Map.of("p50", stats.p50Nanos(), "p99", stats.p99Nanos()));
                if (!json) System.out.println("MINOR faults on a shmem memfd, resolved with UFFDIO_CONTINUE");
                print(json, out);
                return bad == 0 && hooked.get() == pages ? 0 : 1;
            } finally {
                Sys.close(fd);
            }
        }
    }
}
