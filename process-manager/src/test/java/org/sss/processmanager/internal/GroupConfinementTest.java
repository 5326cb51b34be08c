package org.sss.processmanager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sss.schema.CreatepgType;

/** A group's control group name: one per pgid, and the queue manager's and numeric pgids as they are. */
class GroupConfinementTest {
    private static String nameOf(String pgid) {
        return GroupConfinement.of(pgid, new CreatepgType()).name();
    }

    @Test
    void pgidsThatDifferOnlyInTheirPunctuationGetDifferentGroups() {
        List<String> names = List.of("bob_sim", "bob:sim", "bob@sim", "bob_3asim").stream().map(GroupConfinementTest::nameOf).toList();
        assertThat(names).doesNotHaveDuplicates().allMatch(name -> name.matches("[A-Za-z0-9._-]+"));
        assertThat(nameOf("job-17-1")).isEqualTo("job-17-1");
        assertThat(nameOf("42")).isEqualTo("42");
        assertThat(nameOf(".hidden")).as("no hidden directory").doesNotStartWith(".");
    }
}
