package org.sss.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How the job view reads a queue manager event's job. */
class JobViewTest {
    @Test
    void anEventNamesItsJobOrAnArray() {
        assertThat(JobView.idOf("id=17 user=alice queue=batch")).isEqualTo("17");
        assertThat(JobView.idOf("id=17[] user=alice queue=batch")).isEqualTo("17[]");
        assertThat(JobView.idOf("id=17[3] user=alice queue=batch nodes=node1,node2")).isEqualTo("17[3]");
        assertThat(JobView.idOf("user=alice id=9")).isEqualTo("9");
    }

    @Test
    void anEventWithoutAnIdNamesNone() {
        assertThat(JobView.idOf("forged")).isNull();
        assertThat(JobView.idOf("id= user=x")).isNull();
        assertThat(JobView.idOf(null)).isNull();
    }
}
