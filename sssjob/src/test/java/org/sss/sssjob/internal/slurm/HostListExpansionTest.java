package org.sss.sssjob.internal.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.sss.sssjob.internal.CliException;

/** Host list expressions expanded, as scontrol show hostnames does, and their round trip through compression. */
class HostListExpansionTest {
    @Test
    void expandsRangesListsPaddingAndSuffixesInOrder() throws CliException {
        assertThat(HostListExpansion.expand("node[1-3,05],login1,gpu[08-10]-ib")).containsExactly("node1", "node2",
                "node3", "node05", "login1", "gpu08-ib", "gpu09-ib", "gpu10-ib");
        assertThat(HostListExpansion.expand("cn7")).containsExactly("cn7");
        assertThat(HostListExpansion.expand("rack[1-2]n[01-02]-ib n9")).containsExactly("rack1n01-ib", "rack1n02-ib",
                "rack2n01-ib", "rack2n02-ib", "n9");
        assertThat(HostListExpansion.expand(" a1  a2 , a3 ")).containsExactly("a1", "a2", "a3");
    }

    @Test
    void compressionAndExpansionAreInverse() throws CliException {
        List<String> hosts = List.of("node1", "node2", "node3", "node5", "n01", "n02", "login");
        assertThat(HostListExpansion.expand(HostList.compress(hosts))).containsExactlyInAnyOrderElementsOf(hosts);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "node[1-3           | unbalanced brackets",
            "node]1[            | unbalanced brackets",
            "a[[1]]             | unbalanced brackets",
            "node[3-1]          | range 3-1 is reversed",
            "node[1-99999999]   | more than 100000 hosts",
            "node[a-b]          | bad item node[a-b]",
            "'node1,,node2'     | empty item",
            "n[1-400]x[1-400]   | more than 100000 hosts",
            "a[1]b[x]           | bad item a[1]b[x]",
            "a[1][2][3][4][5][6][7][8][9] | more than 8 bracketed lists",
    })
    void refusesMalformedOrHugeExpressions(String expression, String why) {
        refuses(expression, why);
    }

    @Test
    void hostileExpressionsAreRefusedBeforeAnyNameIsMade() {
        refuses("a" + "[1-99999]".repeat(8), "more than 100000 hosts");
        refuses("x".repeat(20_000) + "[1-2]", "longer than 1024 characters");
        refuses("n[1-60000],m[1-60000]", "more than 100000 hosts");
    }

    private static void refuses(String expression, String why) {
        assertThatThrownBy(() -> HostListExpansion.expand(expression)).isInstanceOf(CliException.class)
                .hasMessageContaining(why);
    }
}
