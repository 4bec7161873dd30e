package io.uring4j.uffd;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * Where a {@link LazyRegion}'s contents come from. Called on a fault-handler thread with a
 * page-aligned staging buffer (never registered memory), so an implementation may use plain Java
 * access on {@code dst}. It should be quick: every thread faulting on the chunk waits for it.
 */
public interface PageSource extends AutoCloseable {

    /**
     * Fills all of {@code dst} with the region's bytes at {@code [offset, offset + dst.byteSize())}.
     * Bytes past the end of the underlying data must be written as zeros. Throwing makes the
     * faulting accesses fail ({@link PageUnavailableException}) rather than see made-up data.
     */
    void read(long offset, MemorySegment dst) throws IOException;

    /** True for the all-zero source: the handler then uses UFFDIO_ZEROPAGE and never calls {@link #read}. */
    default boolean isZero() { return false; }

    @Override
    default void close() throws IOException {}

    /** Every page reads as zeros (resolved with ZEROPAGE, no copying). */
    static PageSource zero() {
        return new PageSource() {
            @Override
            public void read(long offset, MemorySegment dst) { dst.fill((byte) 0); }

            @Override
            public boolean isZero() { return true; }

            @Override
            public String toString() { return "PageSource.zero()"; }
        };
    }

    /** Computed contents: {@code filler.fill(offset, dst)} writes the bytes at {@code offset}. */
    static PageSource of(Filler filler) {
        return filler::fill;
    }

    /** The contents of a file, read with pread(2) on a descriptor the source owns; past EOF reads zeros. */
    static PageSource file(Path path) throws IOException {
        return new FileSource(path);
    }

    /** A function that produces page contents. */
    @FunctionalInterface
    interface Filler {
        void fill(long offset, MemorySegment dst) throws IOException;
    }
}
