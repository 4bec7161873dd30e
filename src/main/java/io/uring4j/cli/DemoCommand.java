package io.uring4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code uring4j demo}: small programs that show each capability working. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Demos of each capability (echo server, lazy file paging, write tracking, ...).",
        subcommands = {
                UffdDemoCommands.LazyFile.class,
                UffdDemoCommands.WriteTracking.class,
                UffdDemoCommands.Minor.class,
                // one line per demo subcommand
                EchoDemoCommand.class,
                HttpDemoCommand.class,
        })
final class DemoCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
