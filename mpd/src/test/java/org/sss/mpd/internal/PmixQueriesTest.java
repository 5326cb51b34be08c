package org.sss.mpd.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the mpd escapes in its answers to sss-pmix's queries, which the helper's unescape undoes. */
class PmixQueriesTest {
    @Test
    void bytesThatWouldEndAFieldOrALineAndThePercentSignAreEscaped() {
        assertThat(PmixQueries.escape("/opt/my app/run%1\n\tx\u007f")).isEqualTo("/opt/my%20app/run%251%0a%09x%7f");
    }

    @Test
    void otherCharactersPassUnchangedWhateverTheirEncoding() {
        assertThat(PmixQueries.escape("/home/jörg/a.out")).isEqualTo("/home/jörg/a.out");
        assertThat(PmixQueries.escape("n230")).isEqualTo("n230");
    }
}
