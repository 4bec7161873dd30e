package io.uring4j.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The event-loop benchmarks run end to end at toy sizes and print their JSON. */
class AppBenchSmokeTest {

    static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            assertEquals(0, Main.run(args), () -> "exit code of " + String.join(" ", args) + ": " + buf);
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void vthreadsBenchReportsAllThreeSides(@TempDir Path dir) {
        String out = run("bench", "vthreads", "--threads", "50", "--file-mib", "4", "--seconds", "0.3", "--warmup", "0.1",
                "--dir", dir.toString(), "--json");
        assertTrue(out.contains("\"name\":\"uring4j BlockingIo\"") && out.contains("\"name\":\"uring4j nowaitFirst\"")
                && out.contains("\"name\":\"FileChannel\""), out);
        assertTrue(out.contains("\"badBlocks\":0"), out);
        assertFalse(out.contains("\"reads\":0,"), "every side read something: " + out);
    }

    @Test
    void httpBenchAgainstTheDemoServer() {
        // the command installs wrk itself when it can (root + apt); only a machine where it cannot skips
        Assumptions.assumeTrue(ExternalTool.findOrInstall("wrk", "wrk", true) != null,
                "requires wrk, which could not be installed here (apt-get install -y wrk)");
        String out = run("bench", "http", "--servers", "uring4j", "--seconds", "1", "--warmup", "0", "--connections", "4",
                "--json");
        assertTrue(out.contains("\"server\":\"uring4j\",\"requestsPerSec\":"), out);
        assertTrue(out.contains("\"non2xx\":0"), out);
    }
}
