package io.uring4j.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The userfaultfd demos and bench run end to end (small sizes) and report what they checked. */
class UffdCliTest {

    @Test
    void lazyFileDemo() {
        CliCapture c = CliCapture.run("demo", "lazy-file", "--size-mib", "8", "--json");
        assertEquals(0, c.exitCode, c.out);
        assertTrue(c.out.contains("\"checksums_match\":true"), c.out);
        assertTrue(c.out.contains("\"faults\":128"), c.out);
    }

    @Test
    void writeTrackingDemo() {
        CliCapture c = CliCapture.run("demo", "write-tracking", "--pages", "512", "--writes", "100", "--rounds", "3", "--json");
        assertEquals(0, c.exitCode, c.out);
        assertTrue(c.out.contains("\"mode\":\"sync\"") && c.out.contains("\"mode\":\"async\""), c.out);
        assertFalse(c.out.contains("\"all_rounds_match\":false"), c.out);
    }

    @Test
    void minorDemo() {
        CliCapture c = CliCapture.run("demo", "minor", "--pages", "512", "--json");
        assertEquals(0, c.exitCode, c.out);
        assertTrue(c.out.contains("\"wrong_words\":0") && c.out.contains("\"pages_hooked\":512"), c.out);
    }

    @Test
    void benchUffdJsonHasAFieldForEachMode() {
        for (String d : new String[] {"blocking-read", "poll", "io-uring"}) {
            CliCapture c = CliCapture.run("bench", "uffd", "--size-mib", "8", "--repeat", "1", "--delivery", d, "--json",
                    d.equals("poll") ? "--access=per-page" : "--no-c-baseline");
            assertEquals(0, c.exitCode, c.out);
            for (String f : new String[] {"faults_per_sec_4k", "mb_per_sec_4k", "faults_per_sec_fault_around", "mb_per_sec_fault_around"})
                assertTrue(c.out.contains("\"" + f + "\":"), f + " missing: " + c.out);
            assertTrue(c.out.contains("\"faults\":2048"), "8 MiB of 4 KiB faults: " + c.out);
            if (d.equals("poll")) {
                assertTrue(c.out.contains("\"access\":\"per-page\""), c.out);
                assertTrue(c.out.contains("\"c_baseline\":{\"faults_per_sec_4k\":"), "C peer compiled and ran: " + c.out);
            }
        }
    }
}
