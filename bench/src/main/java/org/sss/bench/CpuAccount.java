package org.sss.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time spent by named processes (with the children they reaped and those still alive) between two readings of
 * {@code /proc}: a benchmark reads it before a round and after, and divides by the work done, so that a figure such
 * as "CPU milliseconds per job" can be compared across machines of different speeds where a rate cannot. Also reads the
 * whole machine's busy time from {@code /proc/stat}, which tells whether the round was bound by the CPUs, and the
 * part of the processes' time their JVMs' JIT compiler threads took (a daemon's warm-up, which a round of a suite that
 * has just started pays and a later round mostly does not).
 */
final class CpuAccount {
    /** Clock ticks per second of the {@code /proc} counters ({@code getconf CLK_TCK}: 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100.0;
    private final Map<String, Long> pids;
    private final Map<String, Long> startTicks = new LinkedHashMap<>();
    private final Map<String, Long> startCompilerTicks = new LinkedHashMap<>();
    private long machineBusyStart;
    private long machineTotalStart;

    /** @param pids the processes to follow by the name to print for each */
    CpuAccount(Map<String, Long> pids) {
        this.pids = new LinkedHashMap<>(pids);
    }

    /** @return whether there is anything to follow */
    boolean isEmpty() {
        return pids.isEmpty();
    }

    /** Takes the readings a round starts from. */
    void start() {
        pids.forEach((name, pid) -> {
            startTicks.put(name, ticksOf(pid));
            startCompilerTicks.put(name, compilerTicksOf(pid));
        });
        long[] machine = machineTicks();
        machineBusyStart = machine[0];
        machineTotalStart = machine[1];
    }

    /**
     * @param units how much work the round did (jobs)
     * @param unit  its name in the line ("job")
     * @return two lines: CPU milliseconds per unit by process, their sum and how busy the machine was; then the part
     *         of each the JVMs' JIT compiler threads took
     */
    String report(int units, String unit) {
        StringBuilder line = new StringBuilder("CPU per " + unit + ":");
        StringBuilder compilers = new StringBuilder("of which the JIT compilers' threads:");
        double sum = 0;
        double compiling = 0;
        for (Map.Entry<String, Long> entry : pids.entrySet()) {
            double millis = (ticksOf(entry.getValue()) - startTicks.get(entry.getKey())) * 1000.0 / TICKS_PER_SECOND
                    / units;
            double compiled = (compilerTicksOf(entry.getValue()) - startCompilerTicks.get(entry.getKey())) * 1000.0
                    / TICKS_PER_SECOND / units;
            sum += millis;
            compiling += compiled;
            line.append(String.format(" %s %.2f ms,", entry.getKey(), millis));
            compilers.append(String.format(" %s %.2f ms,", entry.getKey(), compiled));
        }
        long[] machine = machineTicks();
        long total = machine[1] - machineTotalStart;
        double busy = total == 0 ? 0 : 100.0 * (machine[0] - machineBusyStart) / total;
        line.append(String.format(" all of these %.2f ms; the machine was %.0f %% busy", sum, busy));
        compilers.append(String.format(" all of these %.2f ms", compiling));
        return line + System.lineSeparator() + compilers;
    }

    /**
     * utime + stime of a process's JIT compiler threads (HotSpot names them "C1 CompilerThreadN" and "C2
     * CompilerThreadN", which {@code comm} cuts to 15 characters), or 0 for a process without them or gone. A compiler
     * thread that ended between two readings (HotSpot retires idle ones) takes its time with it, so a round's figure
     * can be a little low, never high.
     */
    private static long compilerTicksOf(long pid) {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            // the process ended meanwhile
        }
        return ticks;
    }

    /**
     * utime + stime + cutime + cstime of a process and of its live descendants (an mpd's PMIx server, the jobs'
     * processes still running), or 0 once it is gone: a child's time reaches its parent's cutime only when it is
     * reaped, and a long-lived helper's never would. Read the same way at both ends of a round, the difference
     * counts each child's time in the round once.
     */
    private static long ticksOf(long pid) {
        return ticksOf(pid, 0);
    }

    private static long ticksOf(long pid, int depth) {
        long ticks;
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the name: state(3) ppid ... utime is field 14 of the whole line, i.e. index 11 here
            ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13])
                    + Long.parseLong(fields[14]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        if (depth < 8) {
            for (long child : childrenOf(pid)) {
                ticks += ticksOf(child, depth + 1);
            }
        }
        return ticks;
    }

    /** The live children of every thread of a process ({@code /proc/PID/task/TID/children}). */
    private static List<Long> childrenOf(long pid) {
        List<Long> children = new ArrayList<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    for (String child : Files.readString(task.resolve("children")).trim().split("\\s+")) {
                        if (!child.isEmpty()) {
                            children.add(Long.parseLong(child));
                        }
                    }
                } catch (IOException | NumberFormatException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            // the process ended meanwhile
        }
        return children;
    }

    /** {busy, total} ticks of all CPUs from the first line of /proc/stat. */
    private static long[] machineTicks() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < fields.length && i <= 8; i++) {
                total += Long.parseLong(fields[i]);
            }
            long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }
}
