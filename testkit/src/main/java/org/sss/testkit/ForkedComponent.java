package org.sss.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A component in a JVM of its own, started from this JVM's classpath, so a test can kill it with SIGKILL
 * ({@link #kill9()}) the way an operator or the OOM killer would. Its output goes to a log file.
 */
public final class ForkedComponent implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private ForkedComponent(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * @param name      a name for the log file
     * @param mainClass the component's main class
     * @param logDir    where its output goes
     * @param args      its arguments, e.g. {@code --config FILE}
     * @return the running process
     */
    public static ForkedComponent start(String name, Class<?> mainClass, Path logDir, String... args) {
        return start(name, List.of(), mainClass, logDir, args);
    }

    /**
     * @param name       a name for the log file
     * @param jvmOptions options for its JVM, e.g. {@code -Xmx64m}
     * @param mainClass  the component's main class
     * @param logDir     where its output goes
     * @param args       its arguments
     * @return the running process
     */
    public static ForkedComponent start(String name, List<String> jvmOptions, Class<?> mainClass, Path logDir,
                                        String... args) {
        List<String> command = new ArrayList<>();
        command.add(jdkTool("java"));
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(jvmOptions);
        if (System.getProperty("sss.home") != null) {
            command.add("-Dsss.home=" + System.getProperty("sss.home"));
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        try {
            Files.createDirectories(logDir);
            Path log = logDir.resolve(name + ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            return new ForkedComponent(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fork " + mainClass.getName(), e);
        }
    }

    /** @return the process id */
    public long pid() {
        return process.pid();
    }

    /**
     * Runs a full collection in it and reads what its heap then holds (through {@code jcmd}): its live data.
     *
     * @return live heap bytes
     * @throws IllegalStateException if jcmd fails or prints no heap figure
     */
    public long liveHeapBytes() {
        jcmd("GC.run");
        Matcher used = Pattern.compile("heap\\s+total[^\\n]*?used (\\d+)K").matcher(jcmd("GC.heap_info"));
        if (!used.find()) {
            throw new IllegalStateException("no heap figure from jcmd for " + name);
        }
        return Long.parseLong(used.group(1)) * 1024;
    }

    private String jcmd(String command) {
        try {
            Process jcmd = new ProcessBuilder(jdkTool("jcmd"), Long.toString(process.pid()), command)
                    .redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!jcmd.waitFor(30, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + command + " failed for " + name + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run jcmd", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running jcmd", e);
        }
    }

    private static String jdkTool(String tool) {
        return Path.of(System.getProperty("java.home"), "bin", tool).toString();
    }

    /** @return whether it still runs */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** @return what it printed so far */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /**
     * Kills it with SIGKILL and waits until it is gone.
     *
     * @return its exit status
     */
    public int kill9() {
        process.destroyForcibly();
        return waitFor(Duration.ofSeconds(10));
    }

    /**
     * Sends SIGTERM (a clean stop) and waits.
     *
     * @param timeout longest wait
     * @return its exit status
     */
    public int stop(Duration timeout) {
        process.destroy();
        return waitFor(timeout);
    }

    /**
     * @param timeout longest wait
     * @return its exit status
     * @throws IllegalStateException if it did not exit in time
     */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " did not exit within " + timeout + "; output:\n" + output());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name, e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(10));
        }
    }
}
