package org.sss.sssjob.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class QsubArgsTest {
    @Test
    void splitsOptionsFromTheScriptAsGetoptDoes() throws CliException {
        QsubArgs args = QsubArgs.parse(List.of("-N", "run1", "-lnodes=2:ppn=4", "-hV", "-p", "-5", "job.sh"));
        assertThat(args.options()).containsExactly("-N", "run1", "-l", "nodes=2:ppn=4", "-hV", "-p", "-5");
        assertThat(args.operands()).containsExactly("job.sh");
        assertThat(args.quiet()).isFalse();
    }

    @Test
    void keepsMinusZForItselfAndTakesTheSocketOption() throws CliException {
        QsubArgs args = QsubArgs.parse(List.of("-z", "--socket", "/run/qm.sock", "-hz", "job.sh"));
        assertThat(args.options()).containsExactly("-h");
        assertThat(args.quiet()).isTrue();
        assertThat(args.socket()).isEqualTo("/run/qm.sock");
    }

    @Test
    void findsAFlagAloneOrBundledButNotInsideAValue() throws CliException {
        assertThat(QsubArgs.parse(List.of("-I", "-l", "walltime=1:00")).hasFlag('I')).isTrue();
        assertThat(QsubArgs.parse(List.of("-VIX")).hasFlag('X')).isTrue();
        assertThat(QsubArgs.parse(List.of("-N", "I-run", "-AIX", "job.sh")).hasFlag('I')).isFalse();
        assertThat(QsubArgs.parse(List.of("-NIX", "-h")).hasFlag('X')).isFalse();
    }

    @Test
    void doubleDashEndsTheOptions() throws CliException {
        QsubArgs args = QsubArgs.parse(List.of("-N", "x", "--", "-weird-name.sh"));
        assertThat(args.operands()).containsExactly("-weird-name.sh");
        assertThat(args.doubleDash()).isTrue();
        assertThat(QsubArgs.parse(List.of("-N", "x", "job.sh")).doubleDash()).isFalse();
        assertThat(QsubArgs.parse(List.of("-l", "nodes=2", "--", "/bin/sleep", "60")).operands())
                .containsExactly("/bin/sleep", "60");
    }

    @Test
    void aValuedOptionWithoutItsValueIsAUsageError() {
        assertThatThrownBy(() -> QsubArgs.parse(List.of("-N")))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.status()).isEqualTo(ExitStatus.USAGE))
                .hasMessage("option -N needs a value");
    }

    @Test
    void unknownLongOptionsAreRefused() {
        assertThatThrownBy(() -> QsubArgs.parse(List.of("--frobnicate", "job.sh"))).hasMessage("unknown option --frobnicate");
    }
}
