package io.uring4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code uring4j bench}: benchmarks, each side by side with a baseline measured in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks against FileChannel, fio and C baselines, measured in one run.",
        subcommands = {
                UffdBenchCommand.class,
                // one line per bench subcommand
                VthreadsBenchCommand.class,
                HttpBenchCommand.class,
                WaitBenchCommand.class,
        })
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
