package io.uring4j.bench;

import io.uring4j.sys.Sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.SplittableRandom;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The file random-read benchmarks read: created once, reused while its size matches, and warmed
 * into the page cache with its residency checked (mincore) right before every measured run.
 *
 * <p>Why not tmpfs (/dev/shm): on Linux 6.18 io_uring cannot complete a tmpfs read inline on the
 * submitting thread, so every read is punted to an io-wq worker thread — io_uring's worst case,
 * and not what a program reading a real file sees. A cached ext4/xfs/btrfs file is served inline.
 */
public final class TestFile {
    private TestFile() {}

    /** Filesystems whose reads io_uring punts to io-wq (or that keep the data only in memory). */
    static boolean isMemoryFs(String type) {
        return switch (type) {
            case "tmpfs", "ramfs", "devtmpfs", "hugetlbfs" -> true;
            default -> false;
        };
    }

    /** The filesystem type of {@code dir} ("ext4", "tmpfs", ...). */
    public static String fsType(Path dir) {
        try {
            return Files.getFileStore(dir).type();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * Refuses memory filesystems unless allowed, and explains why; returns the fs type.
     */
    public static String checkDir(Path dir, boolean allowMemoryFs) throws IOException {
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        String type = existing == null ? "unknown" : fsType(existing);
        if (isMemoryFs(type) && !allowMemoryFs)
            throw new IllegalArgumentException(dir + " is on " + type + ": io_uring punts " + type + " reads to io-wq "
                    + "worker threads on Linux 6.18 (its worst case, unlike a cached file on a disk filesystem such "
                    + "as ext4, which it reads inline). Use a directory on a real filesystem, or --allow-tmpfs to "
                    + "measure that case on purpose.");
        Files.createDirectories(dir);
        return type;
    }

    /**
     * Makes sure {@code file} exists with {@code size} bytes of non-zero data; creates it (through a
     * temporary name, so an interrupted run leaves no half-written file) when missing, or, if
     * {@code mayReplace}, when its size differs. A file that may not be replaced is only checked to
     * hold at least {@code size} bytes. Returns true when it had to be created.
     */
    public static boolean ensure(Path file, long size, boolean mayReplace, Progress progress) throws IOException {
        if (Files.isRegularFile(file)) {
            long have = Files.size(file);
            if (have == size) return false;
            if (!mayReplace) {
                if (have >= size) return false;
                throw new IllegalArgumentException(file + " has " + have + " bytes, fewer than the " + size + " to read");
            }
        } else if (Files.exists(file)) {
            throw new IllegalArgumentException(file + " exists and is not a regular file");
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        progress.step(String.format(Locale.ROOT, "creating test file %s (%s)", file, Progress.bytes(size)));
        ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
        SplittableRandom rnd = new SplittableRandom(42);
        while (chunk.remaining() >= 8) chunk.putLong(rnd.nextLong() | 1);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long done = 0;
            while (done < size) {
                chunk.clear();
                if (size - done < chunk.capacity()) chunk.limit((int) (size - done));
                while (chunk.hasRemaining()) done += ch.write(chunk, done);
                progress.fraction((double) done / size);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        progress.done();
        return true;
    }

    /** The fraction (0..1) of {@code file}'s pages resident in the page cache (mincore on a mapping). */
    public static double residency(Path file) {
        long[] r = residentPages(file, false);
        return r[1] == 0 ? 1.0 : (double) r[0] / r[1];
    }

    /**
     * Reads every page of {@code file} that is not resident, then checks again; returns the
     * fraction resident after warming. The page cache of a large file gets evicted behind a
     * benchmark's back (other processes, memory pressure), so call this right before measuring.
     */
    public static double warm(Path file) {
        for (int attempt = 0; attempt < 3; attempt++) {
            long[] r = residentPages(file, true);
            if (r[0] == r[1]) return 1.0;
        }
        return residency(file);
    }

    /** {resident pages, total pages}; with {@code readMissing}, reads the runs of missing pages. */
    private static long[] residentPages(Path file, boolean readMissing) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (size == 0) return new long[] {0, 0};
        int fd = Sys.open(file.toString(), Sys.O_RDONLY | Sys.O_CLOEXEC, 0);
        if (fd < 0) throw new UncheckedIOException(new IOException("open " + file + ": errno " + -fd));
        long addr = Sys.mmap(0, size, Sys.PROT_READ, Sys.MAP_SHARED, fd, 0);
        try (Arena a = Arena.ofConfined()) {
            if (addr < 0) throw new UncheckedIOException(new IOException("mmap " + file + ": errno " + -addr));
            long page = Sys.PAGE_SIZE, pages = (size + page - 1) / page;
            MemorySegment vec = a.allocate(pages);
            int r = Sys.mincore(addr, size, vec);
            if (r < 0) throw new UncheckedIOException(new IOException("mincore " + file + ": errno " + -r));
            long resident = 0;
            MemorySegment buf = readMissing ? a.allocate(1 << 20, page) : null;
            long runStart = -1;
            for (long p = 0; p <= pages; p++) {
                boolean in = p < pages && (vec.get(JAVA_BYTE, p) & 1) != 0;
                if (in) resident++;
                if (!readMissing) continue;
                if (!in && p < pages && runStart < 0) runStart = p;
                if ((in || p == pages || p - runStart >= buf.byteSize() / page) && runStart >= 0) {
                    long off = runStart * page, len = Math.min((p - runStart) * page, size - off);
                    Sys.pread(fd, buf, len, off);
                    runStart = in || p == pages ? -1 : p;
                }
            }
            return new long[] {resident, pages};
        } finally {
            if (addr >= 0) Sys.munmap(addr, size);
            Sys.close(fd);
        }
    }
}
