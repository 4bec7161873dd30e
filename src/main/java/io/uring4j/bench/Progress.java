package io.uring4j.bench;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress on stderr, so stdout carries only the result (table or JSON). On a terminal a running
 * percentage is redrawn in place; otherwise only the step lines are printed.
 */
public final class Progress {
    private final PrintStream out;
    private final boolean tty;
    private final boolean quiet;
    private int lastPercent = -1;

    public Progress(PrintStream out, boolean quiet) {
        this.out = out;
        this.quiet = quiet;
        this.tty = System.console() != null;
    }

    public static Progress stderr(boolean quiet) {
        return new Progress(System.err, quiet);
    }

    public void step(String msg) {
        if (quiet) return;
        lastPercent = -1;
        out.println("bench: " + msg);
        out.flush();
    }

    public void fraction(double f) {
        if (quiet || !tty) return;
        int p = (int) (f * 100);
        if (p == lastPercent) return;
        lastPercent = p;
        out.print("\r  " + p + "%");
        out.flush();
    }

    public void done() {
        if (quiet || !tty || lastPercent < 0) return;
        out.print("\r       \r");
        out.flush();
        lastPercent = -1;
    }

    static String bytes(long n) {
        if (n >= 1L << 30 && n % (1L << 30) == 0) return (n >> 30) + " GiB";
        if (n >= 1L << 20 && n % (1L << 20) == 0) return (n >> 20) + " MiB";
        if (n >= 1L << 10 && n % (1L << 10) == 0) return (n >> 10) + " KiB";
        return n + " B";
    }

    static String rate(double opsPerSec) {
        if (opsPerSec >= 1e6) return String.format(Locale.ROOT, "%.2fM", opsPerSec / 1e6);
        if (opsPerSec >= 1e3) return String.format(Locale.ROOT, "%.1fk", opsPerSec / 1e3);
        return String.format(Locale.ROOT, "%.0f", opsPerSec);
    }
}
