package org.sss.mpd.client;

import java.util.Locale;
import java.util.Map;

/** Linux signal numbers by name, for {@code mpdsigjob SIG}, mpiexec and the process manager's XML signal operations. */
public final class UnixSignals {
    /** SIGINT. */
    public static final int INT = 2;
    /** SIGKILL. */
    public static final int KILL = 9;
    /** SIGTERM. */
    public static final int TERM = 15;
    private static final Map<String, Integer> NUMBERS = Map.ofEntries(
            Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("ILL", 4), Map.entry("TRAP", 5),
            Map.entry("ABRT", 6), Map.entry("BUS", 7), Map.entry("FPE", 8), Map.entry("KILL", 9), Map.entry("USR1", 10),
            Map.entry("SEGV", 11), Map.entry("USR2", 12), Map.entry("PIPE", 13), Map.entry("ALRM", 14), Map.entry("TERM", 15),
            Map.entry("CHLD", 17), Map.entry("CONT", 18), Map.entry("STOP", 19), Map.entry("TSTP", 20),
            Map.entry("TTIN", 21), Map.entry("TTOU", 22), Map.entry("URG", 23), Map.entry("XCPU", 24), Map.entry("XFSZ", 25),
            Map.entry("VTALRM", 26), Map.entry("PROF", 27), Map.entry("WINCH", 28), Map.entry("IO", 29), Map.entry("PWR", 30),
            Map.entry("SYS", 31));

    private UnixSignals() {
    }

    /**
     * @param text a name ({@code TERM}, {@code SIGTERM}, any case) or a number 1-64
     * @return the signal number
     * @throws IllegalArgumentException for anything else
     */
    public static int parse(String text) {
        String name = text.trim().toUpperCase(Locale.ROOT);
        if (name.startsWith("SIG")) {
            name = name.substring(3);
        }
        Integer number = NUMBERS.get(name);
        if (number != null) {
            return number;
        }
        try {
            int value = Integer.parseInt(name);
            if (value >= 1 && value <= 64) {
                return value;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("unknown signal '" + text + "'");
    }

    /**
     * @param number a signal number
     * @return its name without SIG, or the number
     */
    public static String name(int number) {
        return NUMBERS.entrySet().stream().filter(e -> e.getValue() == number).map(Map.Entry::getKey).findFirst()
                .orElse(Integer.toString(number));
    }
}
