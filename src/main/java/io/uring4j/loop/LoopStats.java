package io.uring4j.loop;

/**
 * Counters of an {@link EventLoop}.
 *
 * @param enterCalls    submit/wait calls the loop made (each at most one io_uring_enter)
 * @param sqesSubmitted SQEs the kernel consumed (operations plus internal wake-up/cancel SQEs)
 * @param opsSubmitted  queued operations turned into SQEs
 * @param cqesReaped    CQEs handled
 * @param wakeups       eventfd wake-ups (producers that found the loop asleep)
 * @param tasksRun      {@link EventLoop#execute} tasks run
 * @param inflight      queued operations submitted and not yet complete
 */
public record LoopStats(long enterCalls, long sqesSubmitted, long opsSubmitted, long cqesReaped, long wakeups,
                        long tasksRun, int inflight) {
    /** Operations per io_uring_enter: how well submissions from many callers were batched. */
    public double opsPerEnter() {
        return enterCalls == 0 ? 0 : (double) opsSubmitted / enterCalls;
    }
}
