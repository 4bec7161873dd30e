package io.uring4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of the calling thread, from {@code /proc/thread-self/schedstat} (its first field is the
 * scheduler's exact on-CPU nanoseconds). On a machine shared with other work, wall-clock rates
 * swing with whoever else is running; operations per CPU-second of the benchmark thread do not,
 * so both are reported.
 */
final class CpuTime {
    private CpuTime() {}

    private static final Path SCHEDSTAT = Path.of("/proc/thread-self/schedstat");

    /** On-CPU nanoseconds of the calling thread, or -1 if the kernel does not tell. */
    static long threadNanos() {
        try {
            String s = Files.readString(SCHEDSTAT);
            int sp = s.indexOf(' ');
            return Long.parseLong(sp < 0 ? s.strip() : s.substring(0, sp));
        } catch (IOException | NumberFormatException | UnsupportedOperationException e) {
            return -1;
        }
    }
}
