package io.uring4j.uffd;

/**
 * A snapshot of a {@link FaultHandlingService}'s counters. Latencies are handler service times:
 * from the read that delivered the fault to its resolution (wake), in nanoseconds.
 *
 * @param faults         page-fault messages handled (duplicates included)
 * @param bytesCopied    bytes placed with COPY (fault chunks and prefetch)
 * @param bytesZeroed    bytes placed with ZEROPAGE
 * @param bytesContinued bytes mapped with CONTINUE (MINOR faults)
 * @param wpResolved     write-protect faults resolved
 * @param pagesExisting  pages found already present (EEXIST, then WAKE)
 * @param prefetchBytes  bytes copied ahead of faults (DONTWAKE, then one WAKE)
 * @param retries        faults woken to retry because the address space was changing (EAGAIN)
 * @param failedPages    pages that could not be supplied and were poisoned
 * @param events         non-pagefault events (REMOVE, UNMAP, REMAP, FORK)
 * @param ioctls         resolving ioctls issued
 */
public record FaultStats(long faults, long bytesCopied, long bytesZeroed, long bytesContinued, long wpResolved,
                         long pagesExisting, long prefetchBytes, long retries, long failedPages, long events,
                         long ioctls, long p50Nanos, long p90Nanos, long p99Nanos, long p999Nanos, long maxNanos) {

    /** One JSON object, for CLI output. */
    public String toJson() {
        return "{\"faults\":" + faults + ",\"bytes_copied\":" + bytesCopied + ",\"bytes_zeroed\":" + bytesZeroed
                + ",\"bytes_continued\":" + bytesContinued + ",\"wp_resolved\":" + wpResolved
                + ",\"pages_existing\":" + pagesExisting + ",\"prefetch_bytes\":" + prefetchBytes
                + ",\"retries\":" + retries + ",\"failed_pages\":" + failedPages + ",\"events\":" + events
                + ",\"ioctls\":" + ioctls + ",\"latency_ns\":{\"p50\":" + p50Nanos + ",\"p90\":" + p90Nanos
                + ",\"p99\":" + p99Nanos + ",\"p999\":" + p999Nanos + ",\"max\":" + maxNanos + "}}";
    }
}
