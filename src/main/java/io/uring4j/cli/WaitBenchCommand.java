package io.uring4j.cli;

import io.uring4j.ErrnoException;
import io.uring4j.KernelInfo;
import io.uring4j.register.WaitRegion;
import io.uring4j.register.WaitRegionSpec;
import io.uring4j.register.WaitSlot;
import io.uring4j.ring.Ring;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code uring4j bench wait}: submit-a-NOP-and-wait round trips with a timeout armed on every
 * wait, through a registered wait slot (EXT_ARG_REG: the kernel reads the timeout from the
 * registered region) against the plain EXT_ARG path (a getevents_arg and a timespec written and
 * copied in on each call), on one ring, in one run. Rounds alternate the order (ABBA) so drift
 * on a shared machine hits both paths alike. A third, untimed path is the floor.
 */
@Command(name = "wait", mixinStandardHelpOptions = true,
        description = "Waits per second: registered wait slot vs EXT_ARG timeout, one run.")
final class WaitBenchCommand implements Callable<Integer> {
    @Option(names = "--count", description = "Round trips per path (default ${DEFAULT-VALUE}; ~10 s in all on a busy 2-core box).")
    int count = 500_000;

    @Option(names = "--rounds", description = "Alternating rounds the count is split into (default ${DEFAULT-VALUE}).")
    int rounds = 100;

    @Option(names = "--warmup", description = "Untimed round trips per path first (default ${DEFAULT-VALUE}).")
    int warmup = 100_000;

    @Option(names = "--timeout-us", description = "Timeout armed on every wait, us (default ${DEFAULT-VALUE}).")
    long timeoutUs = 1_000_000;

    @Option(names = "--kernel-region", description = "Use a kernel-allocated (mmap'd) region instead of user memory.")
    boolean kernelRegion;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    private interface Path {
        long run(Ring ring, int n);
    }

    @Override
    public Integer call() throws ErrnoException {
        if (count < rounds || rounds < 1 || warmup < 0 || timeoutUs < 1)
            throw new IllegalArgumentException("need count >= rounds >= 1, warmup >= 0, timeout-us >= 1: count=" + count
                    + " rounds=" + rounds + " warmup=" + warmup + " timeout-us=" + timeoutUs);
        WaitRegionSpec spec = WaitRegionSpec.slots(1);
        if (kernelRegion) spec.kernelAllocated();
        long timeoutNs = timeoutUs * 1000;
        try (Ring ring = Ring.builder().entries(8).waitSlots(spec).build()) {
            WaitRegion region = ring.waitRegion();
            WaitSlot slot = region.slot(0).timeout(timeoutNs);
            Path slotPath = (r, n) -> {
                for (int i = 0; i < n; i++) {
                    r.sqe().prepNop();
                    int ready = r.submitAndWait(1, slot);
                    if (ready < 1) return fail("slot wait", ready);
                    r.cqAdvance(ready);
                }
                return n;
            };
            Path extArgPath = (r, n) -> {
                for (int i = 0; i < n; i++) {
                    r.sqe().prepNop();
                    int ready = r.submitAndWait(1, timeoutNs, 0);
                    if (ready < 1) return fail("EXT_ARG wait", ready);
                    r.cqAdvance(ready);
                }
                return n;
            };
            Path plainPath = (r, n) -> {
                for (int i = 0; i < n; i++) {
                    r.sqe().prepNop();
                    int s = r.submitAndWait(1);
                    if (s < 1) return fail("untimed wait", s);
                    r.cqAdvance(r.cqReady());
                }
                return n;
            };
            Path[] paths = {slotPath, extArgPath, plainPath};
            for (Path p : paths) p.run(ring, warmup);
            long[] nanos = new long[paths.length];
            double[] roundRatio = new double[rounds];
            int per = count / rounds;
            for (int round = 0; round < rounds; round++) {
                long[] t = new long[paths.length];
                for (int k = 0; k < paths.length; k++) {
                    int idx = round % 2 == 0 ? k : paths.length - 1 - k; // ABC CBA ...
                    long t0 = System.nanoTime();
                    paths[idx].run(ring, per);
                    t[idx] = System.nanoTime() - t0;
                    nanos[idx] += t[idx];
                }
                roundRatio[round] = (double) t[1] / t[0]; // slot rate / EXT_ARG rate in this round
            }
            long done = (long) per * rounds;
            double slotRate = rate(done, nanos[0]), extRate = rate(done, nanos[1]), plainRate = rate(done, nanos[2]);
            java.util.Arrays.sort(roundRatio);
            // the median of per-round ratios shrugs off bursts of load from other processes better than the totals
            double medianRatio = roundRatio[rounds / 2];
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("bench", "wait");
            out.put("kernel", KernelInfo.release());
            out.put("round_trips_per_path", done);
            out.put("rounds", rounds);
            out.put("timeout_us", timeoutUs);
            out.put("region", region.isRegistered() ? (region.isKernelAllocated() ? "kernel-allocated" : "user memory")
                    : "not registered (EXT_ARG fallback)");
            out.put("slot_waits_per_sec", Math.round(slotRate));
            out.put("ext_arg_waits_per_sec", Math.round(extRate));
            out.put("untimed_waits_per_sec", Math.round(plainRate));
            out.put("slot_ns_per_wait", round1(1e9 / slotRate));
            out.put("ext_arg_ns_per_wait", round1(1e9 / extRate));
            out.put("untimed_ns_per_wait", round1(1e9 / plainRate));
            out.put("ratio_slot_over_ext_arg", Math.round(slotRate / extRate * 1000) / 1000.0);
            out.put("median_round_ratio", Math.round(medianRatio * 1000) / 1000.0);
            out.put("round_ratio_min", Math.round(roundRatio[0] * 1000) / 1000.0);
            out.put("round_ratio_max", Math.round(roundRatio[rounds - 1] * 1000) / 1000.0);
            if (json) {
                System.out.println(Json.write(out));
            } else {
                System.out.printf("wait bench: %,d submit-NOP-and-wait round trips per path, %d alternating rounds, "
                        + "timeout %d us armed on each wait%n", done, rounds, timeoutUs);
                System.out.printf("kernel %s, wait region: %s%n%n", out.get("kernel"), out.get("region"));
                System.out.printf("%-34s %14s %10s%n", "path", "waits/s", "ns/wait");
                row("registered slot (EXT_ARG_REG)", slotRate);
                row("EXT_ARG (getevents_arg + ts)", extRate);
                row("untimed GETEVENTS (floor)", plainRate);
                System.out.printf("%nratio slot / EXT_ARG = %.3f (totals); median of %d rounds %.3f, range %.3f .. %.3f%n",
                        slotRate / extRate, rounds, medianRatio, roundRatio[0], roundRatio[rounds - 1]);
            }
        }
        return 0;
    }

    private static long fail(String what, int r) {
        throw new IllegalStateException(what + " returned " + r);
    }

    private static double rate(long n, long ns) {
        return n * 1e9 / ns;
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static void row(String name, double rate) {
        System.out.printf("%-34s %,14.0f %10.1f%n", name, rate, 1e9 / rate);
    }
}
