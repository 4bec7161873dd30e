package io.uring4j.register;

import io.uring4j.cli.Main;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** {@code uring4j demo echo --self-test}: the echo server verified by its own clients. */
class MultishotEchoDemoTest {

    private static long field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(json);
        assertTrue(m.find(), name + " missing in " + json);
        return Long.parseLong(m.group(1));
    }

    @Test
    void selfTestEchoesEveryByte() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            // few, small buffers against large messages: buffers are recycled constantly
            code = Main.run("demo", "echo", "--self-test", "--json", "--clients", "3", "--messages", "150",
                    "--max-size", "6000", "--buffers", "4", "--buffer-size", "1024", "--duration", "40");
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8).trim();
        System.out.println(out);
        assertEquals(0, code, out);
        assertTrue(out.contains("\"ok\":true"), out);
        assertEquals(3, field(out, "connections"));
        assertEquals(450, field(out, "client_messages"));
        long bytes = field(out, "client_bytes");
        assertEquals(bytes, field(out, "bytes_in"));
        assertEquals(bytes, field(out, "bytes_echoed"));
        assertTrue(field(out, "recv_cqes") >= bytes / 1024, "each recv CQE carries at most one 1 KiB buffer");
        assertTrue(field(out, "max_buffers_held") <= 4);
    }
}
