package org.sss.queuemanager.internal.pbs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The command-line options alone ({@link PbsParser#options}): values, forms and the refusals' exact wording. */
class PbsOptionsTest {
    private static JobRequest options(String... words) throws PbsException {
        return PbsParser.options(List.of(words));
    }

    @Test
    void readsEveryOptionWithItsValue() throws PbsException {
        JobRequest request = PbsParser.options(List.of("-N", "run1", "-q", "batch", "-l", "nodes=2:ppn=4",
                "-l", "walltime=1:30:00,mem=512mb,cput=2:00:00", "-o", "out.txt", "-e", "head:/tmp/err", "-j", "eo",
                "-m", "ae", "-M", "a@x, b@y", "-V", "-v", "A=1,HOME,GONE,B=x=y", "-A", "proj", "-W",
                "depend=afterany:5", "-t", "0-4", "-h", "-p", "-5", "-r", "y", "-S", "/bin/zsh"),
                Map.of("HOME", "/home/u"));
        assertThat(request.name()).contains("run1");
        assertThat(request.queue()).contains("batch");
        assertThat(request.nodes()).contains(new NodeShape(2, 4));
        assertThat(request.walltime()).contains(5400L);
        assertThat(request.memory()).contains(512L << 20);
        assertThat(request.cputime()).contains(7200L);
        assertThat(request.outputPath()).contains("out.txt");
        assertThat(request.errorPath()).contains("/tmp/err");
        assertThat(request.join()).contains(Join.ERROR_AND_OUTPUT);
        assertThat(request.mailEvents()).contains(Set.of(MailEvent.ABORT, MailEvent.END));
        assertThat(request.mailUsers()).containsExactly("a@x", "b@y");
        assertThat(request.exportAll()).isTrue();
        assertThat(request.variables()).containsExactly(Map.entry("A", "1"), Map.entry("HOME", "/home/u"),
                Map.entry("B", "x=y"));
        assertThat(request.account()).contains("proj");
        assertThat(request.dependencies()).containsExactly(new Dependency(Dependency.Type.AFTERANY, List.of("5")));
        assertThat(request.array()).map(ArraySpec::indices).contains(List.of(0, 1, 2, 3, 4));
        assertThat(request.hold()).isTrue();
        assertThat(request.priority()).contains(-5);
        assertThat(request.rerunnable()).contains(true);
        assertThat(request.shell()).contains("/bin/zsh");
    }

    @Test
    void givesNothingThatIsNotAskedFor() throws PbsException {
        assertThat(options()).isEqualTo(JobRequest.EMPTY);
        JobRequest request = options("-N", "x");
        assertThat(request.join()).isEmpty();
        assertThat(request.walltime()).isEmpty();
        assertThat(request.exportAll()).isFalse();
        assertThat(request.variables()).isEmpty();
    }

    @Test
    void acceptsAttachedValuesAndBundledFlags() throws PbsException {
        JobRequest request = options("-Nname", "-lwalltime=5:00", "-hV", "-joe", "-hq", "fast");
        assertThat(request.name()).contains("name");
        assertThat(request.walltime()).contains(300L);
        assertThat(request.hold()).isTrue();
        assertThat(request.exportAll()).isTrue();
        assertThat(request.join()).contains(Join.OUTPUT_AND_ERROR);
        assertThat(request.queue()).contains("fast");
    }

    @Test
    void acceptsInteractiveOnTheCommandLineAsAFlag() throws PbsException {
        JobRequest request = options("-IV", "-l", "walltime=1:00", "-I");
        assertThat(request.exportAll()).isTrue();
        assertThat(request.walltime()).contains(60L);
    }

    @Test
    void laterOptionsWinAndResourcesAndVariablesAccumulate() throws PbsException {
        JobRequest request = options("-N", "a", "-N", "b", "-l", "walltime=1:00", "-l", "mem=1gb",
                "-l", "walltime=2:00", "-v", "X=1,Y=2", "-v", "X=3");
        assertThat(request.name()).contains("b");
        assertThat(request.walltime()).contains(120L);
        assertThat(request.memory()).contains(1L << 30);
        assertThat(request.variables()).containsExactly(Map.entry("X", "3"), Map.entry("Y", "2"));
    }

    @Test
    void readsTheOtherNodeShapes() throws PbsException {
        assertThat(options("-l", "select=2:ncpus=4").nodes()).contains(new NodeShape(2, 4));
        assertThat(options("-l", "select=3").nodes()).contains(new NodeShape(3, 1));
        assertThat(options("-l", "ncpus=8").nodes()).contains(new NodeShape(1, 8));
        assertThat(options("-l", "nodes=3").nodes()).contains(new NodeShape(3, 1));
        assertThat(options("-l", "NODES=5,Walltime=10").nodes()).contains(new NodeShape(5, 1));
        assertThat(options("-l", "nodes=2", "-l", "nodes=4:ppn=2").nodes()).contains(new NodeShape(4, 2));
    }

    @ParameterizedTest
    @CsvSource({"100, 100", "100b, 100", "1kb, 1024", "1KB, 1024", "3k, 3072", "512mb, 536870912",
            "4gb, 4294967296", "2tb, 2199023255552"})
    void readsMemorySizes(String size, long bytes) throws PbsException {
        assertThat(options("-l", "mem=" + size).memory()).contains(bytes);
    }

    @Test
    void readsMailAndPathForms() throws PbsException {
        assertThat(options("-m", "n").mailEvents()).contains(Set.of());
        assertThat(options("-m", "bb").mailEvents()).contains(Set.of(MailEvent.BEGIN));
        assertThat(options("-o", "node7:/scratch/o").outputPath()).contains("/scratch/o");
        assertThat(options("-o", "/a:b").outputPath()).contains("/a:b");
        assertThat(options("-r", "n").rerunnable()).contains(false);
        assertThat(options("-p", "1023").priority()).contains(1023);
        assertThat(options("-p", "-1024").priority()).contains(-1024);
    }

    @Test
    void aVariableWithoutValueComesFromTheEnvironmentOrIsLeftOut() throws PbsException {
        assertThat(PbsParser.options(List.of("-v", "A,B"), Map.of("B", "b")).variables())
                .containsExactly(Map.entry("B", "b"));
        assertThat(options("-v", "A,B=").variables()).containsExactly(Map.entry("B", ""));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "-l nodes=0              | -l nodes | -l nodes=0: nodes must be at least 1",
            "-l nodes=2:ppn=0        | -l nodes | -l nodes=2:ppn=0: ppn must be at least 1",
            "-l nodes=2:mics=1       | -l nodes | -l nodes=2:mics=1: expected nodes=N[:ppn=M][:gpus=G][:FEATURE...], or node names and counts joined by + (node1:ppn=M+node2:ppn=M)",
            "-l nodes=n1+            | -l nodes | -l nodes=n1+: expected nodes=N[:ppn=M][:gpus=G][:FEATURE...], or node names and counts joined by + (node1:ppn=M+node2:ppn=M)",
            "-l nodes=-1             | -l nodes | -l nodes=-1: bad node name -1",
            "-l nodes=2000000        | -l nodes | -l nodes=2000000: nodes must be at most 1000000",
            "-l select=0:ncpus=4     | -l select | -l select=0:ncpus=4: select must be at least 1",
            "-l select=2:ncpus=0     | -l select | -l select=2:ncpus=0: ncpus must be at least 1",
            "-l select=2:mem=4gb     | -l select | -l select=2:mem=4gb: expected select=N or select=N:ncpus=M",
            "-l ncpus=x              | -l ncpus | -l ncpus=x: ncpus must be a whole number",
            "-l walltime=10:61:00    | -l walltime | -l walltime=10:61:00: minutes and seconds must be below 60",
            "-l walltime=-5          | -l walltime | -l walltime=-5: must not be negative",
            "-l cput=aa              | -l cput | -l cput=aa: expected SS, MM:SS or HH:MM:SS",
            "-l mem=4xb              | -l mem | -l mem=4xb: expected a size such as 512mb or 4gb",
            "-l mem=4w               | -l mem | -l mem=4w: expected a size such as 512mb or 4gb",
            "-l mem=0                | -l mem | -l mem=0: size must be at least 1 byte",
            "-l mem=99999999tb       | -l mem | -l mem=99999999tb: size is too large",
            "-l gpus=1               | -l gpus | -l gpus=1: unknown resource",
            "-l walltime             | -l walltime | -l walltime: expected walltime=VALUE",
            "-l nodes=1,,walltime=5  | -l | -l nodes=1,,walltime=5: empty resource in the list",
            "-l nodes=2 -l ncpus=4   | -l ncpus | -l ncpus=4: cannot be combined with nodes",
            "-l select=2,nodes=1     | -l nodes | -l nodes=1: cannot be combined with select",
            "-N                      | -N | option -N needs a value",
            "-N x -l                 | -l | option -l needs a value",
            "-N 9/x                  | -N | -N 9/x: job name must not contain /",
            "-q a@b                  | -q | -q a@b: a server in the queue name is not supported",
            "-q -x                   | -q | -q -x: queue name must be 1 to 64 letters, digits, underscores, dots or dashes",
            "-o host:                | -o | -o host:: path must not be empty",
            "-j x                    | -j | -j x: expected oe, eo or n",
            "-m an                   | -m | -m an: n cannot be combined with other letters",
            "-m z                    | -m | -m z: expected letters from a, b and e, or n alone",
            "-M a@x,,b@y             | -M | -M a@x,,b@y: empty mail address in the list",
            "-p 1024                 | -p | -p 1024: priority must be a whole number from -1024 to 1023",
            "-p -1025                | -p | -p -1025: priority must be a whole number from -1024 to 1023",
            "-p x                    | -p | -p x: priority must be a whole number from -1024 to 1023",
            "-r maybe                | -r | -r maybe: expected y or n",
            "-S bash                 | -S | -S bash: shell must be one absolute path",
            "-S /bin/sh,/bin/csh     | -S | -S /bin/sh,/bin/csh: shell must be one absolute path",
            "-t 5-1                  | -t | -t 5-1: range 5-1 is reversed",
            "-t 0-10000              | -t | -t 0-10000: more than 10000 indices",
            "-t -1                   | -t | -t -1: indices must not be negative",
            "-v 1A=x                 | -v | -v 1A=x: bad variable name 1A",
            "-v A=1,,B               | -v | -v A=1,,B: empty variable in the list",
            "-W depend=afterok:      | -W depend | -W depend=afterok:: afterok needs at least one job id",
            "-W depend=before:1      | -W depend | -W depend=before:1: unsupported dependency type before; use after, afterok, afterany, afternotok or singleton",
            "-W depend=afterok:abc   | -W depend | -W depend=afterok:abc: job id abc is not numeric",
            "-W depend=              | -W depend | -W depend=: the dependency list is empty",
            "-W depend               | -W depend | -W depend: expected depend=TYPE:JOB[:JOB...]",
            "-W group_list=staff     | -W group_list | -W group_list=staff: unsupported attribute",
            "-Z                      | -Z | unknown option -Z",
            "-hZ                     | -Z | unknown option -Z",
            "--                      | -- | unknown option --",
            "-X                      | -X | -X: X11 forwarding is not supported: an interactive job gets a terminal, not a display",
            "-IX                     | -X | -X: X11 forwarding is not supported: an interactive job gets a terminal, not a display",
            "-N x job.sh             | '' | unexpected argument job.sh",
            "-                       | '' | unexpected argument -",
    })
    void refusesBadOptionsNamingThem(String words, String field, String message) {
        PbsException e = catchThrowableOfType(PbsException.class, () -> options(words.split(" ")));
        assertThat(e).hasMessage(message);
        assertThat(e.field()).isEqualTo(field);
    }

    @Test
    void quotesValuesThatWouldBreakTheLine() {
        PbsException e = catchThrowableOfType(PbsException.class, () -> options("-N", "a b\nc"));
        assertThat(e).hasMessage("-N \"a b\\nc\": job name must not contain whitespace");
        e = catchThrowableOfType(PbsException.class, () -> options("-N", ""));
        assertThat(e).hasMessage("-N \"\": job name must not be empty");
        e = catchThrowableOfType(PbsException.class, () -> options("-N", "x".repeat(237)));
        assertThat(e).hasMessageEndingWith(": job name must be at most 236 characters");
    }

    @Test
    void acceptsTheLongestName() throws PbsException {
        assertThat(options("-N", "x".repeat(236)).name()).contains("x".repeat(236));
    }
}
