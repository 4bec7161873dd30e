package io.uring4j.uffd;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The JVM safepoint deadlock, in child JVMs guarded by a watchdog (a wedged JVM cannot be saved
 * from inside: only SIGKILL ends it).
 */
class GcSafepointTest {

    record Outcome(boolean finished, int exit, String output) {}

    static Outcome runChild(String mode, long timeoutSeconds) throws Exception {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> cmd = List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-XX:+UseG1GC",
                "-cp", System.getProperty("java.class.path"), GcSafepointChild.class.getName(), mode);
        File out = File.createTempFile("uffd-child-", ".log");
        out.deleteOnExit();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out).start();
        try {
            boolean finished = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!finished) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            String text = Files.readString(out.toPath(), StandardCharsets.UTF_8);
            return new Outcome(finished, finished ? p.exitValue() : -1, text);
        } finally {
            p.destroyForcibly();
            out.delete();
        }
    }

    @Test
    void readersThroughLazyRegionSurviveGcInALoop() throws Exception {
        Outcome o = runChild("safe", 45);
        assertTrue(o.finished(), "child JVM wedged (killed by the watchdog): " + o.output());
        assertEquals(0, o.exit(), o.output());
        assertTrue(o.output().contains("SAFE-DONE bad=0"), o.output());
        long gcs = Long.parseLong(o.output().replaceAll("(?s).*gcs=(\\d+).*", "$1"));
        assertTrue(gcs > 10, "enough GCs overlapped the faults to matter: " + o.output());
    }

    @Test
    void plainSegmentAccessToAMissingPageDeadlocksAtAGc() throws Exception {
        // The hazard itself: proves the harness above can tell a hang from a pass.
        Outcome o = runChild("unsafe", 6);
        assertFalse(o.finished(), "expected the plain-access child to wedge at the GC safepoint, but it ended: " + o.output());
        assertFalse(o.output().contains("UNSAFE-FINISHED"));
    }
}
