package io.uring4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./uring4j} command line: one subcommand per capability. */
@Command(name = "uring4j", mixinStandardHelpOptions = true, version = "uring4j 0.1.0",
        description = "Pure-Java io_uring and userfaultfd: probe the kernel, benchmark, run demos.",
        subcommands = {
                ProbeCommand.class,
                BenchCommand.class,
                DemoCommand.class,
                // subcommands of later issues are listed here, one line each
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (tests call this instead of main). */
    public static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }
}
