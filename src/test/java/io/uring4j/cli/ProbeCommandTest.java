package io.uring4j.cli;

import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

class ProbeCommandTest {

    @Test
    void jsonHasKernelFeaturesAndAll63Ops() {
        CliCapture r = CliCapture.run("probe", "--json");
        assertEquals(0, r.exitCode, r.out);
        String json = r.out.trim();
        assertTrue(json.startsWith("{") && json.endsWith("}"), json);
        assertTrue(json.contains("\"kernel\":\"" + io.uring4j.KernelInfo.release() + "\""), json);
        assertTrue(json.contains("\"SINGLE_MMAP\""), json);
        Matcher ops = Pattern.compile("\"ops\":\\[([^\\]]*)]").matcher(json);
        assertTrue(ops.find(), json);
        String[] names = ops.group(1).split(",");
        assertEquals(63, names.length, ops.group(1));
        assertTrue(ops.group(1).contains("\"READ_FIXED\"") && ops.group(1).contains("\"URING_CMD\""));
    }

    @Test
    void textNamesOperationsAndUsability() {
        CliCapture r = CliCapture.run("probe");
        assertEquals(0, r.exitCode);
        assertTrue(r.out.contains("io_uring          usable"), r.out);
        assertTrue(r.out.contains("operations (63)"), r.out);
    }
}
