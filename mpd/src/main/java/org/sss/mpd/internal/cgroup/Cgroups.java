package org.sss.mpd.internal.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the control groups this mpd can make jobs' groups in: the unified hierarchy (version 2) when the memory,
 * cpu and pids controllers are available to the mpd's own group, else the version 1 memory, cpuacct and freezer
 * hierarchies (pids too when mounted), else none, with the reason. Jobs' groups go under the mpd's own group in
 * each hierarchy, in {@code sss/MPD} (MPD: this mpd's name, so that two mpds on one machine never share a group).
 * Stateless.
 */
public final class Cgroups {
    /** System property that turns control groups off ({@code none}) or picks a version ({@code v1}, {@code v2}). */
    public static final String PROPERTY = "org.sss.mpd.cgroups";
    private static final List<String> V2_CONTROLLERS = List.of("memory", "cpu", "pids");

    private Cgroups() {
    }

    /**
     * What was found.
     *
     * @param driver  the driver, if control groups can be used
     * @param problem why not, otherwise
     */
    public record Detected(Optional<CgroupDriver> driver, String problem) {
    }

    /**
     * @param mpdName this mpd's name (made safe for a directory name)
     * @return the driver for this host, or why there is none
     */
    public static Detected detect(String mpdName) {
        String wanted = System.getProperty(PROPERTY, "auto");
        if (wanted.equals("none")) {
            return new Detected(Optional.empty(), "control groups are turned off (-D" + PROPERTY + "=none)");
        }
        return detect(Path.of("/proc/self/mountinfo"), Path.of("/proc/self/cgroup"), mpdName, wanted);
    }

    /**
     * @param mountinfo the mount table ({@code /proc/self/mountinfo})
     * @param ownGroups this process's groups ({@code /proc/self/cgroup})
     * @param mpdName   this mpd's name
     * @param wanted    {@code auto}, {@code v1} or {@code v2}
     * @return the driver, or why there is none
     */
    static Detected detect(Path mountinfo, Path ownGroups, String mpdName, String wanted) {
        String dirName = mpdName.replaceAll("[^A-Za-z0-9._-]", "_");
        Map<String, Path> v1Mounts = new HashMap<>();
        Path v2Mount = null;
        Map<String, String> own = new HashMap<>();
        try {
            for (String line : Files.readAllLines(mountinfo)) {
                int dash = line.indexOf(" - ");
                if (dash < 0) {
                    continue;
                }
                String[] left = line.substring(0, dash).split(" ");
                String[] right = line.substring(dash + 3).split(" ");
                if (left.length < 5 || right.length < 3) {
                    continue;
                }
                if (right[0].equals("cgroup2")) {
                    v2Mount = Path.of(left[4]);
                } else if (right[0].equals("cgroup")) {
                    for (String option : right[2].split(",")) {
                        v1Mounts.putIfAbsent(option, Path.of(left[4]));
                    }
                }
            }
            for (String line : Files.readAllLines(ownGroups)) {
                String[] parts = line.split(":", 3);
                if (parts.length == 3) {
                    for (String controller : parts[1].split(",")) {
                        own.put(controller, parts[2]);
                    }
                }
            }
        } catch (IOException e) {
            return new Detected(Optional.empty(), "cannot read the control groups of this host: " + e.getMessage());
        }
        String v2Problem = "no cgroup2 hierarchy is mounted";
        if (v2Mount != null && !wanted.equals("v1")) {
            try {
                String ownPath = relative(own.getOrDefault("", "/"));
                return new Detected(Optional.of(v2(v2Mount.resolve(ownPath), dirName, !ownPath.isEmpty())), null);
            } catch (IOException e) {
                v2Problem = e.getMessage();
            }
        }
        if (wanted.equals("v2")) {
            return new Detected(Optional.empty(), v2Problem);
        }
        try {
            return new Detected(Optional.of(v1(v1Mounts, own, dirName)), null);
        } catch (IOException e) {
            return new Detected(Optional.empty(), "cgroup v2: " + v2Problem + "; cgroup v1: " + e.getMessage());
        }
    }

    private static String relative(String path) {
        return path.startsWith("/") ? path.substring(1) : path;
    }

    private static CgroupDriver v2(Path ownGroup, String dirName, boolean inner) throws IOException {
        Set<String> available = Set.of(Files.readString(ownGroup.resolve("cgroup.controllers")).trim().split("\\s+"));
        if (!available.containsAll(V2_CONTROLLERS)) {
            throw new IOException("the mpd's group " + ownGroup + " has controllers " + available + ", not all of "
                    + V2_CONTROLLERS);
        }
        Path sss = ownGroup.resolve("sss");
        try {
            if (inner) {
                intoLeaf(ownGroup);
            }
            Files.createDirectories(sss);
            enable(ownGroup);
            enable(sss);
            Path base = sss.resolve(dirName);
            Files.createDirectories(base);
            removeStale(base);
            enable(base);
            return new CgroupV2(base);
        } catch (IOException e) {
            throw new IOException("cannot make and delegate " + sss + " (the mpd must run as root in a group of its"
                    + " own, e.g. a systemd unit with Delegate=yes): " + e.getMessage());
        }
    }

    /**
     * Removes what an earlier run of this mpd (same name and address, another port) left: empty directories only — the
     * kernel refuses to remove a group that still has processes or groups in it.
     */
    private static void removeStale(Path base) {
        String name = base.getFileName().toString();
        int port = name.lastIndexOf('_');
        if (port <= 0) {
            return;
        }
        String earlier = name.substring(0, port + 1);
        try (java.util.stream.Stream<Path> siblings = Files.list(base.getParent())) {
            siblings.filter(Files::isDirectory).filter(p -> p.getFileName().toString().startsWith(earlier))
                    .filter(p -> !p.equals(base)).forEach(CgroupFiles::rmdirIfEmpty);
        } catch (IOException e) {
            // nothing to tidy
        }
    }

    /**
     * Moves this process out of its own group into a leaf of it ({@value #LEAF}), so that the group may hand its
     * controllers to the jobs' groups: the kernel enables controllers for a group's children only while no process is
     * in the group itself (the root excepted), and a service manager starts the mpd in its unit's group. Other
     * processes in the group are not moved: that group is not the mpd's own to delegate.
     */
    private static void intoLeaf(Path ownGroup) throws IOException {
        Path procs = ownGroup.resolve("cgroup.procs");
        if (!Files.exists(procs)) {
            return;
        }
        String self = Long.toString(ProcessHandle.current().pid());
        List<String> others = new ArrayList<>();
        boolean present = false;
        for (String pid : Files.readAllLines(procs)) {
            if (pid.isBlank()) {
                continue;
            }
            if (pid.trim().equals(self)) {
                present = true;
            } else if (others.size() < 5) {
                others.add(pid.trim());
            }
        }
        if (!others.isEmpty()) {
            throw new IOException("the mpd's group " + ownGroup + " also holds processes " + String.join(" ", others)
                    + ": the mpd needs a group of its own (a systemd unit with Delegate=yes)");
        }
        if (present) {
            Path leaf = ownGroup.resolve(LEAF);
            Files.createDirectories(leaf);
            CgroupFiles.write(leaf.resolve("cgroup.procs"), self);
        }
    }

    private static void enable(Path group) throws IOException {
        Path control = group.resolve("cgroup.subtree_control");
        Set<String> enabled = Set.of(Files.readString(control).trim().split("\\s+"));
        if (!enabled.containsAll(V2_CONTROLLERS)) {
            CgroupFiles.write(control, "+memory +cpu +pids");
        }
    }

    /** The leaf of its own group the mpd moves into under cgroup v2. */
    static final String LEAF = "mpd";

    private static CgroupDriver v1(Map<String, Path> mounts, Map<String, String> own, String dirName)
            throws IOException {
        Path memory = v1Base(mounts, own, "memory", dirName);
        Path cpuacct = v1Base(mounts, own, "cpuacct", dirName);
        Path freezer = v1Base(mounts, own, "freezer", dirName);
        Path pids = mounts.containsKey("pids") ? v1Base(mounts, own, "pids", dirName) : null;
        return new CgroupV1(memory, cpuacct, freezer, pids);
    }

    private static Path v1Base(Map<String, Path> mounts, Map<String, String> own, String controller, String dirName)
            throws IOException {
        Path mount = mounts.get(controller);
        if (mount == null) {
            throw new IOException("no " + controller + " hierarchy is mounted");
        }
        Path base = mount.resolve(relative(own.getOrDefault(controller, "/"))).resolve("sss").resolve(dirName);
        try {
            makeDirectories(base);
            removeStale(base);
        } catch (IOException e) {
            // Only a permission problem is about who runs the mpd; any other (a read-only mount, a race, a full
            // hierarchy) is named as it is.
            throw new IOException("cannot make " + base + (e instanceof java.nio.file.AccessDeniedException
                    ? " (the mpd must run as root): " : ": ") + e);
        }
        if (!Files.isWritable(base.resolve("cgroup.procs"))) {
            throw new IOException(base.resolve("cgroup.procs") + " is not writable (the mpd must run as root)");
        }
        CgroupFiles.rmdirIfEmpty(base);
        CgroupFiles.rmdirIfEmpty(base.getParent());
        return base;
    }

    /**
     * Makes the directories, again if another mpd of this host removed the shared {@code sss} parent (empty once its
     * own group was checked and removed) between this one's steps, as mpds starting together on one host do.
     */
    private static void makeDirectories(Path dir) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                Files.createDirectories(dir);
                return;
            } catch (java.nio.file.NoSuchFileException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }
}
