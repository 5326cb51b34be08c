package org.sss.queuemanager.internal.pbs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PbsShellWordsTest {
    @Test
    void splitsOnWhitespace() throws BadValueException {
        assertThat(ShellWords.split("  -N x\t-j  oe ")).containsExactly("-N", "x", "-j", "oe");
        assertThat(ShellWords.split("   ")).isEmpty();
    }

    @Test
    void quotesKeepWordsTogether() throws BadValueException {
        assertThat(ShellWords.split("-M \"a@x,b@y\" -N 'a b'")).containsExactly("-M", "a@x,b@y", "-N", "a b");
        assertThat(ShellWords.split("-v A='x y'\"z\"w")).containsExactly("-v", "A=x yzw");
        assertThat(ShellWords.split("-N \"\"")).containsExactly("-N", "");
    }

    @Test
    void backslashesEscapeAsInAShell() throws BadValueException {
        assertThat(ShellWords.split("a\\ b")).containsExactly("a b");
        assertThat(ShellWords.split("\"q\\\"x\\\\y\\n\"")).containsExactly("q\"x\\y\\n");
        assertThat(ShellWords.split("'a\\b'")).containsExactly("a\\b");
    }

    @Test
    void nothingIsExpanded() throws BadValueException {
        assertThat(ShellWords.split("$HOME ~ *.sh `id`")).containsExactly("$HOME", "~", "*.sh", "`id`");
    }

    @Test
    void anUnquotedHashAtAWordStartIsAComment() throws BadValueException {
        assertThat(ShellWords.split("-N x # the name")).containsExactly("-N", "x");
        assertThat(ShellWords.split("-N a#b '#c'")).containsExactly("-N", "a#b", "#c");
    }

    static Stream<Arguments> unbalanced() {
        return Stream.of(
                Arguments.of("-N 'abc", "unterminated single quote"),
                Arguments.of("-N \"abc", "unterminated double quote"),
                Arguments.of("-N \"a\\\"", "unterminated double quote"),
                Arguments.of("-N abc\\", "lone backslash at the end"));
    }

    @ParameterizedTest
    @MethodSource("unbalanced")
    void refusesUnbalancedText(String text, String reason) {
        assertThatThrownBy(() -> ShellWords.split(text)).isInstanceOf(BadValueException.class).hasMessage(reason);
    }
}
