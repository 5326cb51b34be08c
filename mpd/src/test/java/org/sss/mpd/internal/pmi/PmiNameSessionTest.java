package org.sss.mpd.internal.pmi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * PMI-1's name service commands as MPICH's simple client sends them, against a session whose job answers from a
 * map: each result carries rc and info as MPICH's clients read them, a lookup of an unpublished name fails.
 */
class PmiNameSessionTest {
    private final FakeJob job = new FakeJob(1);
    private final List<String> replies = new ArrayList<>();
    private final PmiSession session = new PmiSession(replies::add,
            id -> Optional.of(new PmiSession.Binding(job, 0, 1000)), () -> OptionalInt.of(1000), "test");

    private String say(String line) throws IOException {
        replies.clear();
        session.line(line);
        return String.join("", replies);
    }

    @Test
    void aPublishedNameIsFoundAndAnUnpublishedOneIsNot() throws IOException {
        say("cmd=initack pmiid=1");
        assertThat(say("cmd=lookup_name service=ocean"))
                .isEqualTo("cmd=lookup_result rc=1 info=fail msg=service_ocean_not_found\n");
        assertThat(say("cmd=publish_name service=ocean port=tag#0$connentry#0200A1$"))
                .isEqualTo("cmd=publish_result rc=0 info=ok msg=success\n");
        assertThat(say("cmd=lookup_name service=ocean"))
                .isEqualTo("cmd=lookup_result rc=0 info=ok msg=success port=tag#0$connentry#0200A1$\n");
        assertThat(say("cmd=publish_name service=ocean port=other"))
                .isEqualTo("cmd=publish_result rc=1 info=fail msg=already_published\n");
        assertThat(say("cmd=unpublish_name service=ocean")).isEqualTo("cmd=unpublish_result rc=0 info=ok msg=success\n");
        assertThat(say("cmd=unpublish_name service=ocean"))
                .isEqualTo("cmd=unpublish_result rc=1 info=fail msg=not_published\n");
        assertThat(say("cmd=lookup_name service=ocean")).startsWith("cmd=lookup_result rc=1 info=fail");
    }

    @Test
    void aValueThatCannotTravelInAPmiLineIsNotHandedBack() throws IOException {
        say("cmd=initack pmiid=1");
        job.published.put("spaced", "a port with spaces");
        assertThat(say("cmd=lookup_name service=spaced"))
                .isEqualTo("cmd=lookup_result rc=1 info=fail msg=value_not_representable_in_PMI-1\n");
    }

    @Test
    void aRequestWithoutItsFieldsIsAnErrorAndTheSessionGoesOn() throws IOException {
        say("cmd=initack pmiid=1");
        assertThat(say("cmd=publish_name service=x")).startsWith("cmd=error rc=-1 msg=publish_name_without_port");
        assertThat(say("cmd=lookup_name")).startsWith("cmd=error rc=-1 msg=lookup_name_without_service");
        assertThat(say("cmd=lookup_name service=")).startsWith("cmd=error rc=-1");
        assertThat(say("cmd=get_appnum")).isEqualTo("cmd=appnum appnum=0\n");
        assertThat(job.published).isEmpty();
    }
}
