package org.sss.lib.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WordsTest {
    @Test
    void noneForNullEmptyOrBlank() {
        assertThat(Words.list(null)).isEmpty();
        assertThat(Words.list("")).isEmpty();
        assertThat(Words.list(" \t\n")).isEmpty();
        assertThat(Words.set(null)).isEmpty();
        assertThat(Words.set("  ")).isEmpty();
    }

    @Test
    void anyWhiteSpaceSeparatesAndEdgesAreIgnored() {
        assertThat(Words.list("  node1\tnode2 \n node3 ")).containsExactly("node1", "node2", "node3");
    }

    @Test
    void aListKeepsRepeatsAndASetKeepsFirstOrder() {
        assertThat(Words.list("b a b")).containsExactly("b", "a", "b");
        assertThat(Words.set("b a b c")).containsExactly("b", "a", "c");
    }

    @Test
    void joinIsTheInverseAndNullForNone() {
        assertThat(Words.join(List.of("node1", "node2"))).isEqualTo("node1 node2");
        assertThat(Words.join(Set.of())).isNull();
        assertThat(Words.list(Words.join(List.of("x", "y")))).containsExactly("x", "y");
    }
}
