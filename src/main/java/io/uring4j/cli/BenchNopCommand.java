package io.uring4j.cli;

import io.uring4j.bench.NopBench;
import io.uring4j.bench.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code uring4j bench nop}: the ring protocol's own cost, uring4j vs a C program with raw syscalls. */
@Command(name = "nop", mixinStandardHelpOptions = true,
        description = "NOPs through io_uring: uring4j vs the C program bench/c/nop.c (raw syscalls, compiled "
                + "with gcc into the work directory on first use), same ring and protocol.")
final class BenchNopCommand implements Callable<Integer> {
    @Mixin
    BenchOptions common = new BenchOptions();

    @Option(names = "--batch", defaultValue = "32", description = "NOPs per io_uring_enter. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Override
    public Integer call() throws Exception {
        try {
            NopBench b = new NopBench(batch, common.seconds, common.warmupOr(3), common.rounds, common.dir,
                    Progress.stderr(common.quiet)).run();
            if (common.json) System.out.println(Json.write(b.toJson()));
            else b.printTable(System.out);
            return 0;
        } catch (IllegalArgumentException ex) {
            System.err.println("bench: " + ex.getMessage());
            return 2;
        }
    }
}
