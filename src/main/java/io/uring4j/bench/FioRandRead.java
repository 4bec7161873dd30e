package io.uring4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fio's io_uring engine with the same parameters: the C peer. {@code --gtod_reduce=1} because
 * fio's per-I/O clock reads otherwise cost it 15–20%; {@code --invalidate=0} because fio drops the
 * file's page cache before the job by default, which would turn a cached-read benchmark into a
 * disk benchmark.
 */
final class FioRandRead {
    static final String INSTALL_HINT = "fio not found: install it to compare with C (apt-get install -y fio)";
    private final RandReadSpec spec;
    private final boolean sqPoll;

    FioRandRead(RandReadSpec spec, boolean sqPoll) {
        this.spec = spec;
        this.sqPoll = sqPoll;
    }

    static String name(boolean sqPoll) {
        return sqPoll ? "fio-sqpoll" : "fio";
    }

    /** The fio binary on PATH, or null. */
    static Path find() {
        return CNop.onPath("fio");
    }

    List<String> command(Path fio) {
        List<String> c = new ArrayList<>(List.of(fio.toString(), "--name=randread", "--filename=" + spec.file(),
                "--rw=randread", "--bs=" + spec.blockSize(), "--size=" + spec.fileSize(), "--ioengine=io_uring",
                "--iodepth=" + spec.qd(), "--iodepth_batch_submit=" + spec.batch(),
                "--iodepth_batch_complete_max=" + spec.batch(), "--fixedbufs=" + (spec.fixedBuffers() ? 1 : 0),
                "--registerfiles=" + (spec.fixedFiles() ? 1 : 0), "--direct=" + (spec.direct() ? 1 : 0),
                "--gtod_reduce=1", "--invalidate=0", "--time_based",
                "--runtime=" + Math.max(1, Math.round(spec.seconds() * 1000)) + "ms", "--output-format=json"));
        if (sqPoll) c.add("--sqthread_poll=1");
        return c;
    }

    EngineResult run(Path fio, Progress progress) throws IOException {
        List<String> cmd = command(fio);
        double before = spec.direct() ? Double.NaN : TestFile.warm(spec.file());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        int rc;
        try {
            rc = p.waitFor();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fio ran");
        }
        double after = spec.direct() ? Double.NaN : TestFile.residency(spec.file());
        String json = new String(out, StandardCharsets.UTF_8);
        if (rc != 0)
            throw new IOException("fio exited " + rc + ": " + new String(err, StandardCharsets.UTF_8).strip() + "\n" + String.join(" ", cmd));
        long ios = number(json, "total_ios");
        long runtimeMs = number(json, "runtime");
        if (ios < 0 || runtimeMs <= 0) throw new IOException("cannot read total_ios/runtime from fio's JSON output:\n" + json);
        double cpuPercent = decimal(json, "usr_cpu") + decimal(json, "sys_cpu");
        long cpuNs = Double.isNaN(cpuPercent) ? -1 : Math.round(cpuPercent / 100 * runtimeMs * 1e6);
        return new EngineResult(name(sqPoll), ios, runtimeMs * 1_000_000L, cpuNs, before, after, null);
    }

    /** The first {@code "key" : <decimal>} of fio's JSON (job-level keys such as usr_cpu), or NaN. */
    static double decimal(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*([0-9.eE+-]+)").matcher(json);
        if (!m.find()) return Double.NaN;
        try {
            return Double.parseDouble(m.group(1));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** The first {@code "key" : <integer>} inside the read section of fio's JSON. */
    static long number(String json, String key) {
        int read = json.indexOf("\"read\"");
        if (read < 0) return -1;
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*([0-9]+)").matcher(json);
        return m.find(read) ? Long.parseLong(m.group(1)) : -1;
    }
}
