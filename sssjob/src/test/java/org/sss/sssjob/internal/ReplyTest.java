package org.sss.sssjob.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReplyTest {
    private static Reply parse(String xml) throws CliException {
        return Reply.parse(xml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsEachJobsAttributes() throws CliException {
        Reply reply = parse("<jobs><job id=\"17\" state=\"running\" allocated=\"node1 node2\"/><job id=\"18\"/></jobs>");
        assertThat(reply.itemsOf("jobs")).hasSize(2);
        Job first = new Job(reply.itemsOf("jobs").getFirst());
        assertThat(first.id()).isEqualTo("17");
        assertThat(first.stateLetter()).isEqualTo('R');
        assertThat(first.get("allocated")).isEqualTo("node1 node2");
        assertThat(first.exitStatus()).isEmpty();
    }

    @Test
    void itemsAreReadByTheirElementNameToo() throws CliException {
        Reply reply = parse("<queues><queue name=\"batch\" queued=\"1\"/><queue name=\"short\"/>"
                + "<qos name=\"normal\" default=\"true\"/></queues>");
        assertThat(reply.itemsOf("queues")).hasSize(3);
        assertThat(reply.itemsOf("queues", "queue")).extracting(item -> item.get("name")).containsExactly("batch", "short");
        assertThat(reply.itemsOf("queues", "qos")).extracting(item -> item.get("name")).containsExactly("normal");
        assertThatThrownBy(() -> reply.itemsOf("jobs", "job")).isInstanceOf(CliException.class);
    }

    @Test
    void anErrorReplyBecomesItsMessageWithAnExitStatusByCode() throws CliException {
        Reply bad = parse("<error type=\"Data\" code=\"bad-value\" msg=\"-l walltime=10:61:00: minutes and seconds must be below 60\"/>");
        assertThatThrownBy(() -> bad.itemsOf("jobs"))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.status()).isEqualTo(ExitStatus.USAGE))
                .hasMessage("-l walltime=10:61:00: minutes and seconds must be below 60");
        Reply denied = parse("<error type=\"Semantic\" code=\"permission-denied\" msg=\"no\"/>");
        assertThatThrownBy(() -> denied.itemsOf("jobs"))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.status()).isEqualTo(ExitStatus.REFUSED));
    }

    @Test
    void aReplyWithADoctypeIsRefusedAndNoEntityIsExpanded() {
        String hostile = "<!DOCTYPE jobs [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><jobs><job id=\"&x;\"/></jobs>";
        assertThatThrownBy(() -> parse(hostile)).isInstanceOf(CliException.class);
    }

    @Test
    void anotherRootElementIsRefused() throws CliException {
        Reply queues = parse("<queues/>");
        assertThatThrownBy(() -> queues.itemsOf("jobs")).hasMessageContaining("<queues> where <jobs> was expected");
    }

    @Test
    void garbageIsNotXml() {
        assertThatThrownBy(() -> parse("not xml")).hasMessageStartingWith("the queue manager's reply is not XML");
    }
}
