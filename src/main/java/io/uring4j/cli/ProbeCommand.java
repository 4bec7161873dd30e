package io.uring4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code uring4j probe}: what this kernel supports. */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = "Print the kernel release, io_uring features and supported operations.")
final class ProbeCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        System.out.println("probe: not yet implemented");
        return 0;
    }
}
