package org.sss.lib.xml;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RestrictionTest {
    @ParameterizedTest(name = "''{0}'' matches ''{1}'': {2}")
    @CsvSource(nullValues = "NULL", value = {
            "NULL, anything, true",
            "NULL, NULL, true",
            "*, anything, true",
            "*, NULL, true",
            "queue-manager, queue-manager, true",
            "queue-manager, queue-managers, false",
            "queue-manager, NULL, false",
            "job-*, job-submitted, true",
            "job-*, job-, true",
            "job-*, node-down, false",
            "*-down, component-down, true",
            "*-down, component-up, false",
            "a*b*c, aXXbYYc, true",
            "a*b*c, aXXbYY, false",
            "**, x, true",
            "*a*a*a*a*a*b, aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac, false"})
    void matchesAsTheSssRestrictionSyntaxSays(String pattern, String value, boolean expected) {
        assertThat(Restriction.matches(pattern, value)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "NULL", value = {"NULL, false", "*, true", "x, true"})
    void aFieldIsReturnedWhenTheQueryNamesIt(String pattern, boolean requested) {
        assertThat(Restriction.requested(pattern)).isEqualTo(requested);
    }
}
