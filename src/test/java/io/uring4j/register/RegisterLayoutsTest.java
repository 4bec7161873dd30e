package io.uring4j.register;

import io.uring4j.sys.CloneBuffers;
import io.uring4j.sys.FileIndexRange;
import io.uring4j.sys.RsrcRegister;
import io.uring4j.sys.RsrcUpdate;
import io.uring4j.sys.RsrcUpdate2;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The registration structs against the uapi header (liburing 2.13's io_uring.h, x86_64). */
class RegisterLayoutsTest {
    @Test
    void offsetsMatchTheKernelHeader() {
        assertEquals(32, CloneBuffers.SIZE);
        assertEquals(0, CloneBuffers.SRC_FD);
        assertEquals(4, CloneBuffers.FLAGS);
        assertEquals(8, CloneBuffers.SRC_OFF);
        assertEquals(12, CloneBuffers.DST_OFF);
        assertEquals(16, CloneBuffers.NR);
        assertEquals(20, CloneBuffers.PAD);
        assertEquals(16, FileIndexRange.SIZE);
        assertEquals(4, FileIndexRange.LEN);
        assertEquals(8, FileIndexRange.RESV);
        assertEquals(32, RsrcRegister.SIZE);
        assertEquals(16, RsrcRegister.DATA);
        assertEquals(24, RsrcRegister.TAGS);
        assertEquals(32, RsrcUpdate2.SIZE);
        assertEquals(24, RsrcUpdate2.NR);
        assertEquals(16, RsrcUpdate.SIZE);
    }
}
