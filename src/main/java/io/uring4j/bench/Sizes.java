package io.uring4j.bench;

import java.util.Locale;

/** Byte sizes as fio writes them. */
public final class Sizes {
    private Sizes() {}

    /** "4k" → 4096; k/m/g are binary (KiB, MiB, GiB) as in fio. */
    public static long parse(String s, String what) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        long mult = 1;
        if (t.endsWith("ib")) t = t.substring(0, t.length() - 2);
        else if (t.endsWith("b")) t = t.substring(0, t.length() - 1);
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'k' -> mult = 1L << 10;
                case 'm' -> mult = 1L << 20;
                case 'g' -> mult = 1L << 30;
                case 't' -> mult = 1L << 40;
                default -> mult = 1;
            }
            if (mult != 1) t = t.substring(0, t.length() - 1);
        }
        try {
            long v = Long.parseLong(t);
            if (v <= 0) throw new NumberFormatException();
            return Math.multiplyExact(v, mult);
        } catch (NumberFormatException | ArithmeticException ex) {
            throw new IllegalArgumentException(what + "=" + s + " is not a size (e.g. 4k, 1g)");
        }
    }
}
