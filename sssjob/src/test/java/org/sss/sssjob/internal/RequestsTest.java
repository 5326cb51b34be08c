package org.sss.sssjob.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestsTest {
    @Test
    void aSubmissionCarriesScriptOptionsEnvironmentAndWhere() {
        String xml = new String(Requests.submit(new Requests.Submission("job.sh", "#!/bin/sh\necho <&> \"x\"\n",
                List.of("-N", "a&b"), Map.of("HOME", "/home/a\"b"), "/home/a", "login1")), StandardCharsets.UTF_8);
        assertThat(xml).contains("<job-submit workdir=\"/home/a\" host=\"login1\">")
                .contains("<script name=\"job.sh\">#!/bin/sh\necho &lt;&amp;&gt; \"x\"\n</script>")
                .contains("<option>-N</option><option>a&amp;b</option>")
                .contains("<env name=\"HOME\" value=\"/home/a&quot;b\"");
    }

    @Test
    void controlCharactersXmlCannotCarryAreReplaced() {
        assertThat(Requests.xmlSafe("a\u0001b\tc\u0000")).isEqualTo("a\uFFFDb\tc\uFFFD");
        assertThat(Requests.xmlSafe("plain")).isSameAs("plain");
    }

    @Test
    void actionsNameEachJob() {
        assertThat(new String(Requests.jobs("job-cancel", List.of("17", "18[]"), null), StandardCharsets.UTF_8))
                .endsWith("<job-cancel><job id=\"17\"/><job id=\"18[]\"/></job-cancel>");
        assertThat(new String(Requests.signal(List.of("17"), "USR1"), StandardCharsets.UTF_8))
                .endsWith("<job-signal signal=\"USR1\"><job id=\"17\"/></job-signal>");
    }
}
