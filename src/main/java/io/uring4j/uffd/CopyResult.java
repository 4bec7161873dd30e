package io.uring4j.uffd;

import io.uring4j.sys.Errno;

/**
 * The outcome of {@link Userfaultfd#copyAll}: {@code bytesCopied} new bytes mapped,
 * {@code pagesExisting} pages skipped because they were already present, {@code ioctls} COPY
 * calls made, and {@code error} (0 or -errno) that stopped it after {@code bytesProcessed}.
 */
public record CopyResult(long bytesCopied, int pagesExisting, int ioctls, int error, long bytesProcessed) {
    public boolean isComplete() { return error == 0; }

    /** EAGAIN with nothing done: a non-cooperative event is pending; read events, then retry. */
    public boolean mmapChanging() { return error == -Errno.EAGAIN; }

    @Override
    public String toString() {
        return "CopyResult[copied=" + bytesCopied + ", existing=" + pagesExisting + ", ioctls=" + ioctls
                + (error == 0 ? "" : ", error=" + Errno.name(error) + " after " + bytesProcessed) + "]";
    }
}
