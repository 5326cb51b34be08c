package org.sss.sssjob.internal.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sss.sssjob.internal.CliException;

class LongOptionsTest {
    @Test
    void readsShortAndLongFormsAndStopsAtTheScript() throws CliException {
        LongOptions.Parsed parsed = LongOptions.parse(SbatchCommand.OPTIONS,
                List.of("-N2", "-n", "4", "--job-name=x", "--part", "short", "-H", "job.sh", "-N", "9"), true);
        assertThat(parsed.options()).extracting(LongOptions.Given::name, LongOptions.Given::value).containsExactly(
                org.assertj.core.groups.Tuple.tuple("nodes", "2"), org.assertj.core.groups.Tuple.tuple("ntasks", "4"),
                org.assertj.core.groups.Tuple.tuple("job-name", "x"),
                org.assertj.core.groups.Tuple.tuple("partition", "short"),
                org.assertj.core.groups.Tuple.tuple("hold", null));
        assertThat(parsed.operands()).containsExactly("job.sh", "-N", "9");
    }

    @Test
    void mixesOptionsAndOperandsWhenAsked() throws CliException {
        LongOptions.Parsed parsed = LongOptions.parse(List.of(new LongOptions.Spec("user", 'u', true)),
                List.of("17", "-u", "bob", "18"), false);
        assertThat(parsed.operands()).containsExactly("17", "18");
        assertThat(LongOptions.last(parsed, "user")).contains("bob");
    }

    @Test
    void refusesUnknownAmbiguousAndValuelessOptionsByName() {
        assertThatThrownBy(() -> LongOptions.parse(SbatchCommand.OPTIONS, List.of("--licenses=x"), true))
                .isInstanceOf(CliException.class).hasMessage("unrecognized option --licenses");
        assertThatThrownBy(() -> LongOptions.parse(SbatchCommand.OPTIONS, List.of("-y"), true))
                .hasMessage("unrecognized option -y");
        assertThatThrownBy(() -> LongOptions.parse(SbatchCommand.OPTIONS, List.of("--n=1"), true))
                .hasMessageStartingWith("option --n is ambiguous");
        assertThatThrownBy(() -> LongOptions.parse(SbatchCommand.OPTIONS, List.of("--time"), true))
                .hasMessage("option --time needs a value");
        assertThatThrownBy(() -> LongOptions.parse(SbatchCommand.OPTIONS, List.of("--parsable=yes"), true))
                .hasMessage("option --parsable takes no value");
    }
}
