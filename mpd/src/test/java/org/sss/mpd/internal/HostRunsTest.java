package org.sss.mpd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostRunsTest {
    private static List<String> lines(List<String> hosts) {
        List<String> lines = new ArrayList<>();
        HostRuns.encode(hosts, (key, value) -> lines.add(key + "=" + value));
        return lines;
    }

    private static List<String> back(List<String> lines) throws MalformedMessageException {
        List<String> hosts = new ArrayList<>();
        for (String line : lines) {
            String value = line.substring(line.indexOf('=') + 1);
            if (line.startsWith("trees=")) {
                HostRuns.expand(value, hosts, HostRuns.MAX_TREE_CHARS);
            } else {
                hosts.add(value);
            }
        }
        return hosts;
    }

    @Test
    void consecutiveNumberedHostsBecomeOneLineAndOthersStayAsTheyAre() throws MalformedMessageException {
        List<String> hosts = new ArrayList<>();
        for (int i = 500; i <= 1024; i++) {
            hosts.add("scale-" + i);
        }
        for (int i = 1; i < 500; i++) {
            hosts.add("scale-" + i);
        }
        hosts.addAll(List.of("login", "node7", "node8", "gpu[1]", "n1", "n2", "n3"));
        List<String> lines = lines(hosts);
        assertThat(lines).containsExactly("trees=scale-[500-1024]", "trees=scale-[1-499]", "tree=login", "tree=node7",
                "tree=node8", "tree=gpu[1]", "trees=n[1-3]");
        assertThat(back(lines)).isEqualTo(hosts);
    }

    @Test
    void zeroPaddedNumbersKeepTheirWidthAndAWidthChangeEndsTheRun() throws MalformedMessageException {
        List<String> padded = List.of("node098", "node099", "node100", "node101");
        assertThat(lines(padded)).containsExactly("trees=node[098-101]");
        assertThat(back(lines(padded))).isEqualTo(padded);
        List<String> growing = List.of("node8", "node9", "node10", "node11");
        assertThat(lines(growing)).containsExactly("trees=node[8-11]");
        assertThat(back(lines(growing))).isEqualTo(growing);
        List<String> mixed = List.of("node08", "node09", "node010", "node0", "node1", "node2");
        assertThat(back(lines(mixed))).isEqualTo(mixed);
        List<String> digitsOnly = List.of("7", "8", "9", "10");
        assertThat(lines(digitsOnly)).containsExactly("trees=[7-10]");
        assertThat(back(lines(digitsOnly))).isEqualTo(digitsOnly);
    }

    @Test
    void malformedOrHugeRunsAreRefused() {
        for (String bad : new String[] {"node[1-]", "node[-3]", "node[3-1]", "node[2-2]", "node1-3", "node[1-3",
                "node[a-c]", "node[1-9999999999]", "node[0-1000000]", "node[+1-3]"}) {
            assertThatThrownBy(() -> HostRuns.expand(bad, new ArrayList<>(), HostRuns.MAX_TREE_CHARS)).as(bad)
                    .isInstanceOf(MalformedMessageException.class);
        }
    }
}
