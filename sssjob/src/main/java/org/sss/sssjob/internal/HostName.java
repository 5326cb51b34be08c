package org.sss.sssjob.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** This machine's name, read without a DNS lookup where the kernel can say it (a command line must start fast). */
public final class HostName {
    private static final Path KERNEL = Path.of("/proc/sys/kernel/hostname");
    private static String cached;

    private HostName() {
    }

    /** @return the host name (short, as the kernel has it), or {@code localhost} if it cannot be found */
    public static synchronized String local() {
        if (cached == null) {
            cached = read();
        }
        return cached;
    }

    private static String read() {
        try {
            String name = Files.readString(KERNEL).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException e) {
            // not Linux, or /proc is not mounted: ask the resolver
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
