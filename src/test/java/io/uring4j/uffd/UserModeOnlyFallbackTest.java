package io.uring4j.uffd;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * As an unprivileged user (setpriv to nobody, in a child JVM): vm.unprivileged_userfaultfd=0 and a
 * root-only /dev/userfaultfd refuse a full uffd, the library falls back to USER_MODE_ONLY, and
 * LazyRegion still serves data and still refuses to hand out zeros for a failed page.
 */
class UserModeOnlyFallbackTest {

    @Test
    void unprivilegedFallsBackAndStillWorks() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "requires setpriv (util-linux) to drop privileges");
        assumeTrue("0".equals(Files.readString(Path.of("/proc/sys/vm/unprivileged_userfaultfd")).trim()),
                "requires vm.unprivileged_userfaultfd=0 so that an unprivileged full uffd is refused");
        String java = ProcessHandle.current().info().command().orElseThrow();
        String cp = String.join(File.pathSeparator, List.of(
                Path.of("target/test-classes").toAbsolutePath().toString(), Path.of("target/classes").toAbsolutePath().toString()));
        List<String> cmd = List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                java, "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED", "-cp", cp, UserModeOnlyChild.class.getName());
        File out = File.createTempFile("uffd-umo-", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out).start();
        try {
            boolean finished = p.waitFor(30, TimeUnit.SECONDS);
            String text = Files.readString(out.toPath());
            assertTrue(finished, "child hung: " + text);
            assertEquals(0, p.exitValue(), text);
            assertTrue(text.contains("FULL-REFUSED EPERM"), text);
            assertTrue(text.contains("vm.unprivileged_userfaultfd=1"), "the refusal explains itself: " + text);
            assertTrue(text.contains("FALLBACK userModeOnly=true"), text);
            assertTrue(text.contains("REGION userModeOnly=true bad=0"), text);
            assertTrue(text.contains("FAILED-PAGE refused"), text);
        } finally {
            p.destroyForcibly();
            out.delete();
        }
    }
}
