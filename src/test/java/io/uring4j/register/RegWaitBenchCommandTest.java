package io.uring4j.register;

import io.uring4j.cli.Main;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/** {@code uring4j bench wait --json}, tiny run: both rates and the ratio are printed and positive. */
class RegWaitBenchCommandTest {

    @Test
    void jsonCarriesBothRatesAndTheRatio() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            rc = Main.run("bench", "wait", "--count", "4000", "--rounds", "4", "--warmup", "500", "--json");
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8).trim();
        assertEquals(0, rc, out);
        assertTrue(out.startsWith("{") && out.endsWith("}"), out);
        assertTrue(out.contains("\"region\":\"user memory\""), out);
        for (String key : new String[] {"slot_waits_per_sec", "ext_arg_waits_per_sec", "ratio_slot_over_ext_arg", "median_round_ratio"}) {
            var m = java.util.regex.Pattern.compile("\"" + key + "\":([0-9.]+)").matcher(out);
            assertTrue(m.find(), key + " missing: " + out);
            assertTrue(Double.parseDouble(m.group(1)) > 0, key + " must be positive: " + out);
        }
        assertTrue(out.contains("\"round_trips_per_path\":4000"), out);
    }
}
