package org.sss.mpd.internal.pmix;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sss.mpd.internal.MpdMessage;

class PmixRegistrationTest {
    @Test
    void nodesAreNumberedAsTheirFirstRankLandsAndEachListsItsRanks() {
        PmixRegistration r = PmixRegistration.of("sss.4@a", "4@a", 9, false,
                List.of("b", "a", "b", "c", "a", "b"), List.of(4, 2), "b", Map.of(0, "", 2, "bob", 5, ""));
        assertThat(r.nodes()).containsExactly("b", "a", "c");
        assertThat(r.procs()).containsExactly(List.of(0, 2, 5), List.of(1, 4), List.of(3));
        assertThat(r.node()).isZero();
        assertThat(r.local()).containsExactly(Map.entry(0, ""), Map.entry(2, "bob"), Map.entry(5, ""));
        assertThat(r.size()).isEqualTo(6);
    }

    @Test
    void theRegisterMessageCarriesTheJobAsTheHelperReadsIt() {
        PmixRegistration r = PmixRegistration.of("sss.4@a", "4@a", 9, true, List.of("a", "b", "a", "b"), List.of(3, 1),
                "b", Map.of(1, "alice", 3, ""));
        MpdMessage m = r.message(17);
        assertThat(m.cmd()).isEqualTo("register");
        assertThat(m.fields()).containsEntry("id", "17").containsEntry("nspace", "sss.4@a").containsEntry("jid", "4@a")
                .containsEntry("size", "4").containsEntry("universe", "9").containsEntry("node", "1")
                .containsEntry("spawned", "1");
        assertThat(new String(m.body(), StandardCharsets.UTF_8))
                .isEqualTo("nodes=a,b\nprocs=0,2;1,3\napps=3,1\nlocal=1:alice,3:\n");
    }

    @Test
    void eachRanksVariablesAreReadBackUnescaped() {
        byte[] body = ("0 PMIX_NAMESPACE=sss.1@a\n0 PMIX_SERVER_URI41=sss-mpd.a.0;tcp4://127.0.0.1:4000\n"
                + "1 ODD=a%25b%0ac\nnot a line\nx Y=z\n").getBytes(StandardCharsets.UTF_8);
        assertThat(PmixRegistration.environment(body)).containsExactly(
                Map.entry(0, List.of("PMIX_NAMESPACE=sss.1@a", "PMIX_SERVER_URI41=sss-mpd.a.0;tcp4://127.0.0.1:4000")),
                Map.entry(1, List.of("ODD=a%b\nc")));
    }
}
