package org.sss.mpd.internal.pmix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sss.mpd.internal.pmi.SpawnRequest;

class PmixSpawnAppsTest {
    private static List<SpawnRequest.Command> parse(String body) {
        return PmixSpawnApps.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void eachApplicationBecomesACommandWithItsArgumentsVariablesAndDirectory() {
        List<SpawnRequest.Command> commands = parse("app=4\ncmd=/bin/prog\narg=a b\narg=50%25\nenv=OMPI_PARENT_PORT=x=y\n"
                + "cwd=/tmp\napp=1\ncmd=/bin/other\n");

        assertThat(commands).hasSize(2);
        SpawnRequest.Command first = commands.getFirst();
        assertThat(first.nprocs()).isEqualTo(4);
        assertThat(first.exec()).isEqualTo("/bin/prog");
        assertThat(first.args()).containsExactly("a b", "50%");
        assertThat(first.env()).containsExactly("OMPI_PARENT_PORT=x=y");
        assertThat(first.info()).isEqualTo(Map.of("wdir", "/tmp"));
        assertThat(commands.get(1).exec()).isEqualTo("/bin/other");
        assertThat(commands.get(1).args()).isEmpty();
        assertThat(commands.get(1).info()).isEmpty();
    }

    @Test
    void malformedOrOversizedRequestsAreRefusedSayingWhy() {
        assertThatThrownBy(() -> parse("")).hasMessageContaining("no application");
        assertThatThrownBy(() -> parse("cmd=/bin/x\n")).hasMessageContaining("before the first app");
        assertThatThrownBy(() -> parse("app=2\n")).hasMessageContaining("without cmd");
        assertThatThrownBy(() -> parse("app=0\ncmd=/bin/x\n")).hasMessageContaining("0 processes");
        assertThatThrownBy(() -> parse("app=x\ncmd=/bin/x\n")).hasMessageContaining("bad app count");
        assertThatThrownBy(() -> parse("app=1\ncmd=/bin/x\nenv=NOVALUE\n")).hasMessageContaining("NAME=");
        assertThatThrownBy(() -> parse("app=1\ncmd=/bin/x\nfoo=1\n")).hasMessageContaining("unknown spawn key");
        assertThatThrownBy(() -> parse("app=600000\ncmd=/a\napp=600000\ncmd=/b\n")).hasMessageContaining("more than");
    }
}
