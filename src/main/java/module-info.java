/**
 * uring4j: io_uring and userfaultfd for the JVM in pure Java (FFM API).
 * The {@code sys} package (raw syscalls, struct layouts) is internal and not exported.
 */
module io.uring4j {
    requires info.picocli;

    exports io.uring4j;
    exports io.uring4j.ring;
    exports io.uring4j.loop;
    exports io.uring4j.channels;
    exports io.uring4j.register;
    exports io.uring4j.cmd;
    exports io.uring4j.uffd;

    opens io.uring4j.cli to info.picocli;
}
