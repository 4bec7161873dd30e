package io.uring4j.cli;

import io.uring4j.ErrnoException;
import io.uring4j.KernelInfo;
import io.uring4j.ring.Feature;
import io.uring4j.ring.ProbeResult;
import io.uring4j.ring.Ring;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code uring4j probe}: what this kernel supports. */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = "Print the kernel release, io_uring features and supported operations.")
final class ProbeCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kernel", KernelInfo.release());
        out.put("arch", System.getProperty("os.arch"));
        try (Ring ring = Ring.open(2)) {
            ProbeResult p = ring.probe();
            out.put("io_uring", true);
            out.put("features", Feature.names(ring.features()));
            out.put("last_op", p.lastOp());
            out.put("ops", p.supportedNames());
        } catch (ErrnoException | RuntimeException e) {
            out.put("io_uring", false);
            out.put("reason", e.getMessage());
            out.put("features", List.of());
            out.put("ops", List.of());
        }
        out.put("userfaultfd_device", Files.exists(Path.of("/dev/userfaultfd")));
        out.put("unprivileged_userfaultfd", readSysctl("/proc/sys/vm/unprivileged_userfaultfd"));
        out.put("io_uring_disabled", readSysctl("/proc/sys/kernel/io_uring_disabled"));
        if (json) {
            System.out.println(Json.write(out));
        } else {
            System.out.println("kernel            " + out.get("kernel") + " (" + out.get("arch") + ")");
            if (Boolean.TRUE.equals(out.get("io_uring"))) {
                System.out.println("io_uring          usable");
                System.out.println("features          " + String.join(" ", castList(out.get("features"))));
                List<String> ops = castList(out.get("ops"));
                System.out.println("operations (" + ops.size() + ")");
                for (int i = 0; i < ops.size(); i += 6)
                    System.out.println("  " + String.join(" ", ops.subList(i, Math.min(ops.size(), i + 6))));
            } else {
                System.out.println("io_uring          NOT usable: " + out.get("reason"));
            }
            System.out.println("/dev/userfaultfd  " + ((Boolean) out.get("userfaultfd_device") ? "present" : "absent"));
            System.out.println("vm.unprivileged_userfaultfd = " + out.get("unprivileged_userfaultfd")
                    + ", kernel.io_uring_disabled = " + out.get("io_uring_disabled"));
        }
        return Boolean.TRUE.equals(out.get("io_uring")) ? 0 : 2;
    }

    @SuppressWarnings("unchecked")
    private static List<String> castList(Object o) {
        return (List<String>) o;
    }

    private static String readSysctl(String path) {
        try {
            return Files.readString(Path.of(path)).trim();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
