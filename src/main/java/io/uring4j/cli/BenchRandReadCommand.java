package io.uring4j.cli;

import io.uring4j.bench.Progress;
import io.uring4j.bench.RandReadBench;
import io.uring4j.bench.RandReadSpec;
import io.uring4j.bench.Sizes;
import io.uring4j.bench.TestFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code uring4j bench randread}: random reads of a cached file, uring4j vs FileChannel vs fio. */
@Command(name = "randread", mixinStandardHelpOptions = true,
        description = "Random reads of a page-cache-resident file: uring4j, FileChannel (1 thread) and fio's "
                + "io_uring engine with the same parameters, side by side.")
final class BenchRandReadCommand implements Callable<Integer> {
    @Mixin
    BenchOptions common = new BenchOptions();

    @Option(names = "--file", paramLabel = "PATH", description = "File to read. An existing file is read as it is "
            + "(never rewritten; its size is used); a missing one is created with --size bytes. "
            + "Default: DIR/randread-SIZE.dat, recreated when its size differs.")
    Path file;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "1g", description = "File size (k/m/g suffixes). Default: ${DEFAULT-VALUE}.")
    String size;

    @Option(names = "--bs", paramLabel = "BYTES", defaultValue = "4k", description = "Block size. Default: ${DEFAULT-VALUE}.")
    String blockSize;

    @Option(names = "--qd", defaultValue = "32", description = "Reads in flight. Default: ${DEFAULT-VALUE}.")
    int qd;

    @Option(names = "--batch", defaultValue = "32", description = "Reads submitted per io_uring_enter. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--fixed-buffers", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Registered buffers (READ_FIXED). Default: on.")
    boolean fixedBuffers;

    @Option(names = "--fixed-files", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Registered file (IOSQE_FIXED_FILE). Default: on.")
    boolean fixedFiles;

    @Option(names = "--sqpoll", description = "Run uring4j and fio with a kernel SQ polling thread (SQPOLL / sqthread_poll).")
    boolean sqPoll;

    @Option(names = "--direct", description = "O_DIRECT (uring4j and fio; FileChannel stays buffered).")
    boolean direct;

    @Option(names = "--engines", split = ",", paramLabel = "E[,E...]", defaultValue = "uring4j,filechannel,fio",
            description = "Engines, from: uring4j, uring4j-sqpoll, filechannel, fio, fio-sqpoll. Default: ${DEFAULT-VALUE}.")
    List<String> engines;

    @Option(names = "--allow-tmpfs", description = "Allow a work directory on tmpfs (measures io_uring's io-wq punt path).")
    boolean allowTmpfs;

    @Override
    public Integer call() throws Exception {
        return run(common, file, size, blockSize, qd, batch, fixedBuffers, fixedFiles, sqPoll, direct, engines, allowTmpfs);
    }

    static Integer run(BenchOptions o, Path file, String size, String blockSize, int qd, int batch, boolean fixedBuffers,
                       boolean fixedFiles, boolean sqPoll, boolean direct, List<String> engines, boolean allowTmpfs)
            throws Exception {
        try {
            long fileSize = Sizes.parse(size, "--size");
            long bs = Sizes.parse(blockSize, "--bs");
            if (bs > Integer.MAX_VALUE) throw new IllegalArgumentException("--bs=" + blockSize + " is too large");
            Path f = file != null ? file : o.dir.resolve("randread-" + size.toLowerCase(Locale.ROOT) + ".dat");
            // a file the user names is read as it is, never rewritten: its own size (whole blocks) is used
            if (file != null && java.nio.file.Files.isRegularFile(file)) fileSize = java.nio.file.Files.size(file) / bs * bs;
            TestFile.checkDir(f.toAbsolutePath().getParent(), allowTmpfs);
            List<String> e = new ArrayList<>();
            for (String name : engines) {
                String n = name.strip();
                if (sqPoll && (n.equals("uring4j") || n.equals("fio"))) n += "-sqpoll";
                if (!e.contains(n)) e.add(n);
            }
            RandReadSpec spec = new RandReadSpec(f, fileSize, (int) bs, qd, batch, fixedBuffers, fixedFiles, direct,
                    o.seconds, o.warmupOr(1));
            RandReadBench b = new RandReadBench(spec, e, o.rounds, Progress.stderr(o.quiet), file == null).run();
            if (o.json) System.out.println(Json.write(b.toJson()));
            else b.printTable(System.out);
            return 0;
        } catch (IllegalArgumentException ex) {
            System.err.println("bench: " + ex.getMessage());
            return 2;
        }
    }
}
