package io.uring4j.bench;

import io.uring4j.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Each bench subcommand runs end to end with tiny parameters and prints one valid JSON object
 * with its required keys. Not a performance test: no figure is judged, only that the engines ran
 * and counted operations.
 */
class BenchSmokeTest {

    /** Runs the CLI, returns stdout; fails on a non-zero exit. */
    private static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(ps);
            rc = Main.run(args);
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, "exit code of " + String.join(" ", args) + "; stdout: " + out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String out) {
        Object v = MiniJson.parse(out.strip());
        assertInstanceOf(Map.class, v, "one JSON object expected: " + out);
        return (Map<String, Object>) v;
    }

    @Test
    @SuppressWarnings("unchecked")
    void randreadPrintsEnginesWithIopsAndRatios(@TempDir Path dir) throws Exception {
        Map<String, Object> j = json(run("bench", "randread", "--json", "--quiet", "--allow-tmpfs", "--dir", dir.toString(),
                "--size", "8m", "--seconds", "0.1", "--rounds", "2", "--warmup", "0.1",
                "--engines", "uring4j,uring4j-sqpoll,filechannel,fio"));
        assertEquals("randread", j.get("benchmark"));
        assertTrue(Files.size(dir.resolve("randread-8m.dat")) == 8 << 20, "test file created with the asked size");
        List<Object> engines = (List<Object>) j.get("engines");
        List<String> names = engines.stream().map(e -> (String) ((Map<String, Object>) e).get("engine")).toList();
        assertTrue(names.containsAll(List.of("uring4j", "uring4j-sqpoll", "filechannel")), names.toString());
        for (Object e : engines) {
            Map<String, Object> m = (Map<String, Object>) e;
            assertTrue(((Double) m.get("iops")) > 0, "iops of " + m);
        }
        Map<String, Object> ratios = (Map<String, Object>) j.get("ratios");
        assertTrue(((Double) ratios.get("uring4j/filechannel")) > 0, ratios.toString());
        Map<String, Object> perRound = (Map<String, Object>) j.get("median_round_ratios");
        assertTrue(((Double) perRound.get("uring4j-sqpoll/filechannel")) > 0, perRound.toString());
        boolean fio = FioRandRead.find() != null;
        assertEquals(fio, names.contains("fio"), "fio runs exactly when installed: " + names);
        if (fio) assertTrue(((Double) ratios.get("uring4j/fio")) > 0, ratios.toString());
        else assertTrue(j.get("notes").toString().contains("apt-get install -y fio"), j.get("notes").toString());
    }

    @Test
    void randreadWithoutFixedBuffersOrFilesAndWithODirect(@TempDir Path dir) throws Exception {
        Map<String, Object> j = json(run("bench", "randread", "--json", "--quiet", "--allow-tmpfs", "--dir", dir.toString(),
                "--size", "4m", "--seconds", "0.2", "--rounds", "1", "--warmup", "0", "--no-fixed-buffers", "--no-fixed-files",
                "--engines", "uring4j", "--qd", "8", "--batch", "4"));
        assertEquals(Boolean.FALSE, j.get("fixed_buffers"));
        assertEquals(Boolean.FALSE, j.get("fixed_files"));
        assertEquals(8.0, j.get("qd"));
        if (!"tmpfs".equals(TestFile.fsType(dir))) { // tmpfs refuses O_DIRECT
            Map<String, Object> d = json(run("bench", "randread", "--json", "--quiet", "--dir", dir.toString(),
                    "--size", "4m", "--seconds", "0.2", "--rounds", "1", "--warmup", "0", "--direct", "--engines", "uring4j"));
            assertEquals(Boolean.TRUE, d.get("direct"));
        }
    }

    @Test
    void anExistingFileIsReadAsItIsNeverRewritten(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("mine.dat");
        byte[] data = new byte[6 << 20];
        new java.util.Random(7).nextBytes(data);
        Files.write(f, data);
        Map<String, Object> j = json(run("bench", "randread", "--json", "--quiet", "--allow-tmpfs", "--file", f.toString(),
                "--size", "4m", "--seconds", "0.1", "--rounds", "1", "--warmup", "0", "--engines", "uring4j,filechannel"));
        assertEquals((double) (6 << 20), j.get("file_size"), "the file's own size, not --size");
        assertArrayEquals(data, Files.readAllBytes(f), "the user's file must not be rewritten");
    }

    @Test
    void nopPrintsBothRates(@TempDir Path dir) throws Exception {
        Map<String, Object> j = json(run("bench", "nop", "--json", "--quiet", "--dir", dir.toString(),
                "--batch", "32", "--seconds", "0.2", "--rounds", "1", "--warmup", "0.1"));
        assertEquals("nop", j.get("benchmark"));
        assertTrue(j.containsKey("uring4j_ops_per_sec") && j.containsKey("c_ops_per_sec"), j.toString());
        assertTrue(((Double) j.get("uring4j_ops_per_sec")) > 0, j.toString());
        if (CNop.onPath("gcc") != null || CNop.onPath("cc") != null) {
            assertTrue(((Double) j.get("c_ops_per_sec")) > 0, "C baseline compiled and ran: " + j);
            try (var files = Files.list(dir)) {
                assertTrue(files.anyMatch(p -> p.getFileName().toString().matches("nop-[0-9a-f]{12}")),
                        "binary compiled into the work dir");
            }
        } else {
            assertNull(j.get("c_ops_per_sec"));
        }
    }

    @Test
    void refusesTmpfsWorkDirectoryWithTheReason() {
        Path shm = Path.of("/dev/shm");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shm) && "tmpfs".equals(TestFile.fsType(shm)),
                "requires /dev/shm on tmpfs");
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setErr(ps);
            rc = Main.run("bench", "randread", "--json", "--dir", "/dev/shm/uring4j-bench-test", "--size", "1m");
        } finally {
            System.setErr(old);
        }
        assertEquals(2, rc);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("io-wq"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void parsesSizes() {
        assertEquals(4096, Sizes.parse("4k", "--bs"));
        assertEquals(1L << 30, Sizes.parse("1g", "--size"));
        assertEquals(8L << 20, Sizes.parse("8MiB", "--size"));
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse("x", "--size"));
    }
}
