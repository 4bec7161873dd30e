package io.uring4j.ring;

/** Receives completions from {@link Ring#forEachCqe}; the {@link Cqe} view is valid only during the call. */
@FunctionalInterface
public interface CqeHandler {
    void handle(Cqe cqe);
}
