package org.sss.mpd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobSpecCodecTest {
    @Test
    void aPlacedSpecRoundTripsWithAwkwardValues() throws MalformedMessageException {
        JobSpec spec = new JobSpec("", "alice", "/tmp/a b", "label", List.of("A=1", "NL=x\ny", "PCT=100%"),
                List.of(new JobSpec.RankSet(2, "/bin/echo", List.of("hello world", ""), List.of("X=y")),
                        new JobSpec.RankSet(1, "cat", List.of(), List.of())),
                new JobSpec.Wishes(List.of(), List.of("h1:2"), List.of("h1"), 2), List.of(), new int[0], 4, 1000,
                List.of("K=v w"), "1@h0", null)
                .placed("7@h1", List.of("h1", "h2"), new int[] {0, 0, 1}, 3, 2500);
        JobSpec back = JobSpecCodec.decode(JobSpecCodec.encode(spec));
        assertThat(back.jid()).isEqualTo("7@h1");
        assertThat(back.env()).containsExactly("A=1", "NL=x\ny", "PCT=100%");
        assertThat(back.sets()).isEqualTo(spec.sets());
        assertThat(back.size()).isEqualTo(3);
        assertThat(back.rankHost()).containsExactly(0, 0, 1);
        assertThat(back.fanout()).isEqualTo(3);
        assertThat(back.graceMillis()).isEqualTo(2500);
        assertThat(back.setOf(2).exec()).isEqualTo("cat");
        assertThat(back.ranksOn(0)).containsExactly(0, 1);
        assertThat(back.preput()).containsExactly("K=v w");
        assertThat(back.parentJid()).isEqualTo("1@h0");
        assertThat(back.spawned()).isTrue();
        assertThat(back.appnum(2)).isEqualTo(1);
    }

    @Test
    void nonAsciiValuesGoAsUtf8AndComeBackTheSame() throws MalformedMessageException {
        String awkward = "caf\u00e9 \u65e5\u672c \ud83d\ude00";
        JobSpec spec = new JobSpec("", "alice", "/tmp/" + awkward, "label", List.of("NAME=" + awkward + "\t%"),
                List.of(new JobSpec.RankSet(1, "/bin/echo", List.of(awkward, "plain"), List.of())),
                JobSpec.Wishes.NONE, List.of(), new int[0], 4, 1000, List.of(), "", JobSpec.Supervision.ATTACHED)
                .placed("7@h\u00e9", List.of("h\u00e9"), new int[] {0}, 4, 2500);
        byte[] encoded = JobSpecCodec.encode(spec);
        assertThat(new String(encoded, StandardCharsets.UTF_8)).as("UTF-8 as it is, not encoded twice")
                .contains("arg=" + awkward + "\n").contains("env=NAME=" + awkward + "%09%25\n");
        JobSpec back = JobSpecCodec.decode(encoded);
        assertThat(back.wdir()).isEqualTo("/tmp/" + awkward);
        assertThat(back.env()).containsExactly("NAME=" + awkward + "\t%");
        assertThat(back.sets().getFirst().args()).containsExactly(awkward, "plain");
        assertThat(back.treeHosts()).containsExactly("h\u00e9");
    }

    @Test
    void aPlacementOfManyHostsRoundTripsAndBadRunsAreRefused() throws MalformedMessageException {
        int hosts = 1024;
        List<String> tree = new java.util.ArrayList<>();
        int[] place = new int[hosts * 2];
        for (int h = 0; h < hosts; h++) {
            tree.add("host-" + h);
            place[2 * h] = h;
            place[2 * h + 1] = h;
        }
        JobSpec spec = new JobSpec("", "alice", "/", "label", List.of(),
                List.of(new JobSpec.RankSet(hosts * 2, "/bin/true", List.of(), List.of())),
                JobSpec.Wishes.NONE, List.of(), new int[0], 4, 1000, List.of(), "", JobSpec.Supervision.ATTACHED)
                .placed("1@host-0", tree, place, 4, 5000);
        String text = new String(JobSpecCodec.encode(spec), StandardCharsets.UTF_8);
        assertThat(text).as("one line for the hosts and one run for the placement, whatever the job's size")
                .contains("trees=host-[0-1023]\n").contains("place=0-1023x2\n").doesNotContain("tree=");
        JobSpec back = JobSpecCodec.decode(JobSpecCodec.encode(spec));
        assertThat(back.treeHosts()).isEqualTo(tree);
        assertThat(back.rankHost()).containsExactly(place);
        int[] uneven = {0, 1, 1, 2, 2, 3, 5, 6, 7, 7};
        assertThat(JobSpecCodec.decode(("set=10\nexec=x\ntrees=h[0-7]\nplace=0x1,1-2x2,3x1,5-6x1,7x2\n")
                .getBytes(StandardCharsets.UTF_8)).rankHost()).containsExactly(uneven);
        for (String bad : new String[] {"place=0x2,", "place=0x", "place=x2", "place=0x+2", "place=0x2,1", "place=-1x2",
                "place=0x99999999999999999999", "place=0x0", "place=1-0x1", "place=0-1-1x1", "place=0-x1"}) {
            String bytes = "set=2\nexec=x\ntree=a\ntree=b\n" + bad + "\n";
            assertThatThrownBy(() -> JobSpecCodec.decode(bytes.getBytes(StandardCharsets.UTF_8))).as(bad)
                    .isInstanceOf(MalformedMessageException.class);
        }
        assertThat(JobSpecCodec.decode("set=2\nexec=x\ntree=a\ntree=b\nplace=0x1,1x1\n"
                .getBytes(StandardCharsets.UTF_8)).rankHost()).containsExactly(0, 1);
    }

    @Test
    void aShortBodyThatWouldExpandBeyondTheBoundsIsRefusedBeforeItIsExpanded() {
        String prefix = "p".repeat(1000);
        for (String bad : new String[] {
                "set=1\nexec=x\nat=x*10000000\n",
                "set=1\nexec=x\ntrees=" + prefix + "[0-999999]\n",
                "set=10000000\nexec=x\n",
                "set=1048576\nexec=x\nset=1048576\nexec=y\n",
                "set=1\nexec=x\nplace=0x10000000\n"}) {
            assertThatThrownBy(() -> JobSpecCodec.decode(bad.getBytes(StandardCharsets.UTF_8)))
                    .as(bad.length() > 60 ? bad.substring(0, 60) : bad).isInstanceOf(MalformedMessageException.class);
        }
        StringBuilder manySets = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            manySets.append("set=1000000\nexec=x\n");
        }
        assertThatThrownBy(() -> JobSpecCodec.decode(manySets.toString().getBytes(StandardCharsets.UTF_8)))
                .as("sets whose ranks add up beyond the bound").isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void processManagerFieldsRoundTrip() throws MalformedMessageException {
        JobSpec spec = new JobSpec("", "alice", "/", "label", List.of(),
                List.of(new JobSpec.RankSet(2, "a.out", List.of(), List.of(), "bob", List.of("nofile=64", "cpu=10:20"), "tv-server", "/tmp"),
                        new JobSpec.RankSet(1, "b.out", List.of(), List.of())),
                new JobSpec.Wishes(List.of("node1", "node1", "node2"), List.of(), List.of(), 0), List.of(), new int[0], 4, 1000,
                List.of(), "", new JobSpec.Supervision(true, "pm:17", 65536));
        JobSpec back = JobSpecCodec.decode(JobSpecCodec.encode(spec));
        assertThat(back.sets()).isEqualTo(spec.sets());
        assertThat(back.sets().getFirst().runAs()).isEqualTo("bob");
        assertThat(back.sets().getFirst().limits()).containsExactly("nofile=64", "cpu=10:20");
        assertThat(back.sets().getFirst().coProcess()).isEqualTo("tv-server");
        assertThat(back.sets().getFirst().wdir()).isEqualTo("/tmp");
        assertThat(back.wishes().at()).containsExactly("node1", "node1", "node2");
        assertThat(back.supervision()).isEqualTo(new JobSpec.Supervision(true, "pm:17", 65536));
        assertThat(new String(JobSpecCodec.encode(spec), StandardCharsets.UTF_8)).contains("at=node1*2,node2*1");
    }

    @Test
    void outputFilesRoundTripAndASetWithoutThemHasNone() throws MalformedMessageException {
        JobSpec spec = new JobSpec("", "alice", "/", "discard", List.of(),
                List.of(new JobSpec.RankSet(1, "job.sh", List.of(), List.of(), "alice", List.of(), "", "/home/alice",
                                "/home/alice/job.o7", "/home/alice/odd\nname%.e7"),
                        new JobSpec.RankSet(1, "b.out", List.of(), List.of())),
                JobSpec.Wishes.NONE, List.of(), new int[0], 4, 1000, List.of(), "", JobSpec.Supervision.ATTACHED);
        JobSpec back = JobSpecCodec.decode(JobSpecCodec.encode(spec));
        assertThat(back.sets()).isEqualTo(spec.sets());
        assertThat(back.sets().getFirst().stdout()).isEqualTo("/home/alice/job.o7");
        assertThat(back.sets().getFirst().stderr()).isEqualTo("/home/alice/odd\nname%.e7");
        assertThat(back.sets().get(1).stdout()).isEmpty();
        assertThat(back.sets().get(1).stderr()).isEmpty();
        assertThat(back.sets().getFirst().runningAs("bob").stdout()).as("a confined copy keeps its files")
                .isEqualTo("/home/alice/job.o7");
    }

    @Test
    void thePmiModeTravelsOnlyWhenItIsNotBoth() throws MalformedMessageException {
        JobSpec both = JobSpecCodec.decode("set=1\nexec=x\n".getBytes(StandardCharsets.UTF_8));
        assertThat(both.pmi()).isEqualTo(PmiMode.BOTH);
        assertThat(new String(JobSpecCodec.encode(both), StandardCharsets.UTF_8)).doesNotContain("pmi=");
        JobSpec pmix = JobSpecCodec.decode("pmi=pmix\nset=1\nexec=x\n".getBytes(StandardCharsets.UTF_8));
        assertThat(pmix.pmi()).isEqualTo(PmiMode.PMIX);
        JobSpec placed = pmix.placed("3@h", List.of("h"), new int[] {0}, 4, 1000);
        assertThat(JobSpecCodec.decode(JobSpecCodec.encode(placed)).pmi()).isEqualTo(PmiMode.PMIX);
        assertThat(JobSpecCodec.decode("pmi=pmi1\nset=1\nexec=x\n".getBytes(StandardCharsets.UTF_8)).pmi())
                .isEqualTo(PmiMode.PMI1);
        assertThatThrownBy(() -> JobSpecCodec.decode("pmi=pmi2\nset=1\nexec=x\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("pmi");
    }

    @Test
    void anUnknownLimitOrAShortPlacementIsMalformed() {
        assertThatThrownBy(() -> JobSpecCodec.decode("set=1\nexec=x\nlimit=bogus=1\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("limit");
        assertThatThrownBy(() -> JobSpecCodec.decode("set=2\nexec=x\nat=a*1\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("at=");
    }

    @Test
    void malformedSpecsAreRefused() {
        for (String bad : new String[] {"", "set=1\n", "nonsense\n", "set=0\nexec=x\n", "set=1\nexec=x\nfrob=1\n",
                "set=2\nexec=x\ntree=a\nplace=0x1\n", "set=1\nexec=x\ntree=a\nplace=3x1\n", "set=1\nexec=x\noutput=loud\n"}) {
            assertThatThrownBy(() -> JobSpecCodec.decode(bad.getBytes(StandardCharsets.UTF_8))).as(bad)
                    .isInstanceOf(MalformedMessageException.class);
        }
    }
}
