package io.uring4j.uffd;

import io.uring4j.ErrnoException;

import java.io.UncheckedIOException;

/**
 * An access to a lazily filled region could not be given real contents: the page source failed
 * for that page, or the region was closed before it arrived. Thrown instead of handing out zeros.
 */
public final class PageUnavailableException extends UncheckedIOException {
    private final long offset;

    PageUnavailableException(long offset, ErrnoException cause, String why) {
        super("page at offset " + offset + " is unavailable: " + why, cause);
        this.offset = offset;
    }

    /** Region offset of the page. */
    public long offset() { return offset; }
}
