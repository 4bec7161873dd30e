package io.uring4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code uring4j bench}: benchmarks, each side by side with a baseline measured in the same run.
 * Without a subcommand it runs the main comparison: 4 KiB random reads of a cached 1 GiB file,
 * uring4j (QD32, batch 32, fixed buffers and file) vs FileChannel vs fio.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks against FileChannel, fio and C baselines, measured in one run.",
                "Without a subcommand: 4 KiB random reads of a cached 1 GiB file (created once under --dir), "
                        + "uring4j (QD32, batch 32, fixed buffers + file) vs FileChannel vs fio."},
        subcommands = {
                UffdBenchCommand.class,
                BenchRandReadCommand.class,
                BenchNopCommand.class,
                // one line per bench subcommand
                VthreadsBenchCommand.class,
                HttpBenchCommand.class,
                WaitBenchCommand.class,
        })
final class BenchCommand implements Callable<Integer> {
    @Mixin
    BenchOptions common = new BenchOptions();

    @Override
    public Integer call() throws Exception {
        return BenchRandReadCommand.run(common, null, "1g", "4k", 32, 32, true, true, false, false,
                List.of("uring4j", "filechannel", "fio"), false);
    }
}
