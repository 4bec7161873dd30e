package io.uring4j.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options every bench command shares (a picocli mixin). */
final class BenchOptions {
    static final String DEFAULT_DIR = ".uring4j-work";

    @Option(names = "--json", description = "Print one JSON object (progress still goes to stderr).")
    boolean json;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = DEFAULT_DIR,
            description = "Work directory for the test file and the compiled C baseline, on a real filesystem "
                    + "(not tmpfs: io_uring punts tmpfs reads to worker threads). Default: ${DEFAULT-VALUE}.")
    Path dir;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "1",
            description = "Measured seconds per engine and round. Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Option(names = "--warmup", paramLabel = "S", defaultValue = "-1",
            description = "Unmeasured seconds of JIT warm-up before a Java engine's first round. "
                    + "Default: 1 for randread, 3 for nop (whose loop is all Java-side cost).")
    double warmup;

    double warmupOr(double dflt) {
        return warmup < 0 ? dflt : warmup;
    }

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "5",
            description = "Rounds; engines take turns in each, so load from the rest of the machine hits all "
                    + "alike; each engine reports its median. Default: ${DEFAULT-VALUE} (5 s per engine).")
    int rounds;

    @Option(names = "--quiet", description = "No progress lines on stderr.")
    boolean quiet;
}
