package io.uring4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Finds a baseline program (fio, wrk, cc) on PATH and, when allowed and running as root on a
 * Debian-family system, installs its package first — a benchmark on a fresh machine should
 * measure, not send the user off to install things.
 */
final class ExternalTool {
    private ExternalTool() {}

    private static boolean updated;

    /** The program's path, or null when it is absent (after an install attempt if allowed). */
    static String find(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(d, program);
            if (Files.isExecutable(p)) return p.toString();
        }
        for (String d : new String[] {"/usr/bin", "/usr/local/bin", "/usr/sbin"}) {
            Path p = Path.of(d, program);
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }

    /** As {@link #find}, installing Debian package {@code pkg} when the program is missing and {@code install}. */
    static synchronized String findOrInstall(String program, String pkg, boolean install) {
        String p = find(program);
        if (p != null || !install) return p;
        if (!"root".equals(System.getProperty("user.name")) || find("apt-get") == null) return null;
        System.err.println(program + " is missing: installing Debian package " + pkg + " (apt-get) ...");
        if (!updated) updated = run(180, "apt-get", "update", "-qq");
        run(300, "apt-get", "install", "-y", "-qq", pkg);
        return find(program);
    }

    /** How to get the program, for the line printed when it is absent. */
    static String howToInstall(String pkg) {
        return "apt-get install -y " + pkg;
    }

    private static boolean run(int seconds, String... cmd) {
        try {
            Process pr = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!pr.waitFor(seconds, TimeUnit.SECONDS)) {
                pr.destroyForcibly();
                return false;
            }
            return pr.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
