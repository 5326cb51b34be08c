package org.sss.mpd.internal.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Detection over a fake mount table and hierarchies in a temporary directory. */
class CgroupsTest {
    @Test
    void version2IsChosenWhenItsControllersAreAvailableAndDelegated(@TempDir Path dir) throws IOException {
        Path unified = dir.resolve("unified");
        Files.createDirectories(unified.resolve("mpd.service"));
        Files.writeString(unified.resolve("mpd.service/cgroup.controllers"), "cpuset cpu io memory pids\n");
        Files.writeString(unified.resolve("mpd.service/cgroup.subtree_control"), "memory cpu pids\n");
        Path mountinfo = Files.writeString(dir.resolve("mountinfo"),
                "30 23 0:26 / " + unified + " rw,nosuid - cgroup2 cgroup2 rw\n");
        Path own = Files.writeString(dir.resolve("cgroup"), "0::/mpd.service\n");
        prepareChildren(unified.resolve("mpd.service/sss"), "node1");
        Cgroups.Detected found = Cgroups.detect(mountinfo, own, "node1", "auto");
        assertThat(found.problem()).isNull();
        assertThat(found.driver().orElseThrow().describe()).isEqualTo("cgroup v2 under " + unified.resolve("mpd.service/sss/node1"));
    }

    @Test
    void underVersion2TheMpdLeavesItsUnitsGroupForALeafBeforeItHandsOnTheControllers(@TempDir Path dir)
            throws IOException {
        Path unit = dir.resolve("unified/system.slice/sss-mpd.service");
        Files.createDirectories(unit);
        Files.writeString(unit.resolve("cgroup.controllers"), "cpu io memory pids\n");
        Files.writeString(unit.resolve("cgroup.subtree_control"), "\n");
        Files.writeString(unit.resolve("cgroup.procs"), ProcessHandle.current().pid() + "\n");
        Path mountinfo = Files.writeString(dir.resolve("mountinfo"),
                "30 23 0:26 / " + dir.resolve("unified") + " rw,nosuid - cgroup2 cgroup2 rw\n");
        Path own = Files.writeString(dir.resolve("cgroup"), "0::/system.slice/sss-mpd.service\n");
        prepareChildren(unit.resolve("sss"), "node1");
        Cgroups.Detected found = Cgroups.detect(mountinfo, own, "node1", "auto");
        assertThat(found.problem()).isNull();
        assertThat(Files.readString(unit.resolve("mpd/cgroup.procs"))).as("moved into the leaf")
                .isEqualTo(Long.toString(ProcessHandle.current().pid()));
        assertThat(Files.readString(unit.resolve("cgroup.subtree_control"))).contains("+memory", "+cpu", "+pids");

        Files.writeString(unit.resolve("cgroup.procs"), ProcessHandle.current().pid() + "\n1\n");
        Cgroups.Detected shared = Cgroups.detect(mountinfo, own, "node1", "v2");
        assertThat(shared.driver()).isEmpty();
        assertThat(shared.problem()).contains("also holds processes 1", "Delegate=yes");
    }

    @Test
    void version1IsChosenWhenTheUnifiedHierarchyHasNoControllers(@TempDir Path dir) throws IOException {
        Path unified = dir.resolve("unified");
        Files.createDirectories(unified);
        Files.writeString(unified.resolve("cgroup.controllers"), "\n");
        StringBuilder mounts = new StringBuilder("30 23 0:26 / " + unified + " rw - cgroup2 cgroup2 rw\n");
        for (String controller : new String[] {"memory", "cpuacct", "freezer"}) {
            Path hierarchy = dir.resolve(controller);
            Files.createDirectories(hierarchy.resolve("sss/node1"));
            Files.writeString(hierarchy.resolve("sss/node1/cgroup.procs"), "");
            mounts.append("31 23 0:27 / ").append(hierarchy).append(" rw - cgroup cgroup rw,").append(controller).append('\n');
        }
        Path mountinfo = Files.writeString(dir.resolve("mountinfo"), mounts.toString());
        Path own = Files.writeString(dir.resolve("cgroup"), "4:memory:/\n3:cpuacct:/\n2:freezer:/\n0::/\n");
        Cgroups.Detected found = Cgroups.detect(mountinfo, own, "node1", "auto");
        assertThat(found.problem()).isNull();
        assertThat(found.driver().orElseThrow().describe()).startsWith("cgroup v1 under " + dir.resolve("memory/sss/node1"));
    }

    @Test
    void withoutHierarchiesTheReasonNamesWhatIsMissing(@TempDir Path dir) throws IOException {
        Path mountinfo = Files.writeString(dir.resolve("mountinfo"), "22 1 0:21 / /proc rw - proc proc rw\n");
        Path own = Files.writeString(dir.resolve("cgroup"), "0::/\n");
        Cgroups.Detected found = Cgroups.detect(mountinfo, own, "node1", "auto");
        assertThat(found.driver()).isEmpty();
        assertThat(found.problem()).contains("no cgroup2 hierarchy is mounted", "no memory hierarchy is mounted");
    }

    private static void prepareChildren(Path sss, String name) throws IOException {
        Files.createDirectories(sss.resolve(name));
        Files.writeString(sss.resolve("cgroup.subtree_control"), "memory cpu pids\n");
        Files.writeString(sss.resolve(name).resolve("cgroup.subtree_control"), "memory cpu pids\n");
    }
}
