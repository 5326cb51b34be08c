package org.sss.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM's live heap: what {@code jcmd PID GC.heap_info} says is used right after {@code jcmd PID GC.run} (a full
 * collection), so that what remains is what the process holds, not garbage not yet collected. With the process's
 * resident set from {@code /proc}. For showing that a long run leaves a component's memory bounded.
 */
final class HeapReading {
    private static final Pattern USED = Pattern.compile("used (\\d+)K");
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

    private HeapReading() {
    }

    /**
     * @param jcmd the JDK's jcmd
     * @param pid  a JVM
     * @return "live heap N MB, resident M MB", or why it could not be read
     */
    static String of(Path jcmd, long pid) {
        try {
            run(jcmd, pid, "GC.run");
            Matcher used = USED.matcher(run(jcmd, pid, "GC.heap_info"));
            String heap = used.find() ? String.format("live heap %.1f MB", Long.parseLong(used.group(1)) / 1024.0) : "live heap ?";
            Matcher rss = RSS.matcher(java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "status")));
            return heap + (rss.find() ? String.format(", resident %.1f MB", Long.parseLong(rss.group(1)) / 1024.0) : "");
        } catch (IOException e) {
            return "unreadable (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unreadable (interrupted)";
        }
    }

    private static String run(Path jcmd, long pid, String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("jcmd " + command + " took over 60 s");
        }
        return out;
    }
}
