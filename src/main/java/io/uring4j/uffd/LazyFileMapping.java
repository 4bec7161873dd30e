package io.uring4j.uffd;

import io.uring4j.ErrnoException;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file's contents in anonymous memory, paged in on first touch by a userfaultfd handler (the
 * post-copy / umap pattern: the data could as well come from the network). Unlike mmap of the
 * file, the memory is private and never written back, and the handler decides what each page
 * holds and when.
 */
public final class LazyFileMapping implements AutoCloseable {
    private final FaultHandlingService service;
    private final boolean ownsService;
    private final LazyRegion region;
    private final long fileSize;
    private final Path path;

    private LazyFileMapping(Path path, FaultHandlingService service, boolean owns, LazyRegion region, long fileSize) {
        this.path = path;
        this.service = service;
        this.ownsService = owns;
        this.region = region;
        this.fileSize = fileSize;
    }

    /** Maps {@code file} with its own service (one handler thread, 64 KiB fault-around). */
    public static LazyFileMapping open(Path file) throws IOException {
        return open(file, FaultHandlingService.builder().faultAround(64 * 1024).name("lazy-file"));
    }

    /** Maps {@code file} with a service built from {@code settings}, owned by the mapping. */
    public static LazyFileMapping open(Path file, FaultHandlingService.Builder settings) throws IOException {
        FaultHandlingService s = settings.build();
        try {
            return open(file, s, true);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Maps {@code file} on an existing service (which the mapping does not close). */
    public static LazyFileMapping open(Path file, FaultHandlingService service) throws IOException {
        return open(file, service, false);
    }

    private static LazyFileMapping open(Path file, FaultHandlingService service, boolean owns) throws IOException {
        FileSource src = new FileSource(file);
        try {
            if (src.size() == 0) throw new IllegalArgumentException("cannot map an empty file: " + file);
            LazyRegion r = service.map(src.size(), src);
            return new LazyFileMapping(file, service, owns, r, src.size());
        } catch (ErrnoException | RuntimeException e) {
            src.close();
            throw e;
        }
    }

    /** The memory; its size is the file size rounded up to pages (the tail reads as zeros). */
    public LazyRegion region() { return region; }

    public long fileSize() { return fileSize; }

    public Path path() { return path; }

    public FaultHandlingService service() { return service; }

    @Override
    public void close() {
        region.close();
        if (ownsService) service.close();
    }
}
