package org.sss.queuemanager.internal.pbs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PbsDependencyTest {
    @Test
    void readsSeveralDependenciesInOrder() throws BadValueException {
        List<Dependency> list = Dependency.parseList("afterok:1:2,afterany:3,afternotok:4");
        assertThat(list).containsExactly(
                new Dependency(Dependency.Type.AFTEROK, List.of("1", "2")),
                new Dependency(Dependency.Type.AFTERANY, List.of("3")),
                new Dependency(Dependency.Type.AFTERNOTOK, List.of("4")));
    }

    @Test
    void readsAfterAndSingletonWhichNamesNoJob() throws BadValueException {
        assertThat(Dependency.parseList("after:5,singleton")).containsExactly(
                new Dependency(Dependency.Type.AFTER, List.of("5")), new Dependency(Dependency.Type.SINGLETON, List.of()));
        assertThatThrownBy(() -> Dependency.parseList("singleton:5")).hasMessage("singleton names no job ids");
        assertThatIllegalArgumentException().isThrownBy(() -> new Dependency(Dependency.Type.AFTER, List.of()));
    }

    @Test
    void keepsTheTextAndExposesTheNumericIds() throws BadValueException {
        Dependency dependency = Dependency.parseList("afterok:17.host.example:18[]:007:19[].srv").getFirst();
        assertThat(dependency.jobs()).containsExactly("17.host.example", "18[]", "007", "19[].srv");
        assertThat(dependency.jobIds()).containsExactly("17", "18", "7", "19");
        assertThat(dependency.type().keyword()).isEqualTo("afterok");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                | the dependency list is empty",
            "afterok:          | afterok needs at least one job id",
            "afterok           | afterok needs at least one job id",
            "afterany:1,       | empty dependency in the list",
            "before:1          | unsupported dependency type before; use after, afterok, afterany, afternotok or singleton",
            "afterstart:1      | unsupported dependency type afterstart; use after, afterok, afterany, afternotok or singleton",
            "AFTEROK:1         | unsupported dependency type AFTEROK; use after, afterok, afterany, afternotok or singleton",
            ":1                | missing dependency type before the job ids",
            "afterok:abc       | job id abc is not numeric",
            "afterok:1:x2      | job id x2 is not numeric",
            "afterok:17[3]     | job id 17[3] is not numeric",
            "afterok:1::2      | empty job id",
    })
    void refusesBadLists(String text, String reason) {
        assertThatThrownBy(() -> Dependency.parseList(text)).isInstanceOf(BadValueException.class).hasMessage(reason);
    }

    @Test
    void theConstructorChecksTheIds() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Dependency(Dependency.Type.AFTEROK, List.of()));
        assertThatIllegalArgumentException().isThrownBy(() -> new Dependency(Dependency.Type.AFTEROK, List.of("x")));
    }
}
