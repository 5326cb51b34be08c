package org.sss.queuemanager.internal.pbs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Whole submissions ({@link PbsParser#parse}): directive scanning, merging with the command line, defaults. */
class PbsParserTest {
    private static final Map<String, String> ENV = Map.of("HOME", "/home/alice", "USER", "alice");

    private static JobRequest parse(String script, String... options) throws PbsException {
        return PbsParser.parse("job.sh", script, List.of(options), ENV);
    }

    private static PbsException refusal(String script, String... options) {
        return catchThrowableOfType(PbsException.class, () -> parse(script, options));
    }

    @Test
    void readsARealisticScriptWithEveryDirective() throws PbsException {
        JobRequest request = PbsParser.parse("/home/alice/jobs/climate.pbs", """
                #!/bin/bash
                # Climate model, production run
                #PBS -N climate-run
                #PBS -q batch
                #PBS -l nodes=4:ppn=8
                #PBS -l walltime=12:00:00,mem=16gb,cput=96:00:00
                #PBS -o login1:/home/alice/out.log
                #PBS -e /home/alice/err.log
                #PBS -j oe
                #PBS -m abe
                #PBS -M "alice@example.org,bob@example.org"
                #PBS -V
                #PBS -v RUN=7,HOME,MISSING,EMPTY=
                #PBS -A climate
                #PBS -W depend=afterok:10:11.head,afterany:12[]
                #PBS -t 1-4
                #PBS -h
                #PBS -p -10
                #PBS -r n
                #PBS -S /bin/bash

                cd "$PBS_O_WORKDIR"
                #PBS -N ignored
                mpirun ./model
                """, List.of(), ENV);
        assertThat(request.name()).contains("climate-run");
        assertThat(request.queue()).contains("batch");
        assertThat(request.nodes()).contains(new NodeShape(4, 8));
        assertThat(request.walltime()).contains(43_200L);
        assertThat(request.memory()).contains(16L << 30);
        assertThat(request.cputime()).contains(345_600L);
        assertThat(request.outputPath()).contains("/home/alice/out.log");
        assertThat(request.errorPath()).contains("/home/alice/err.log");
        assertThat(request.join()).contains(Join.OUTPUT_AND_ERROR);
        assertThat(request.mailEvents()).contains(Set.of(MailEvent.ABORT, MailEvent.BEGIN, MailEvent.END));
        assertThat(request.mailUsers()).containsExactly("alice@example.org", "bob@example.org");
        assertThat(request.exportAll()).isTrue();
        assertThat(request.variables()).containsExactly(Map.entry("RUN", "7"), Map.entry("HOME", "/home/alice"),
                Map.entry("EMPTY", ""));
        assertThat(request.account()).contains("climate");
        assertThat(request.dependencies()).containsExactly(
                new Dependency(Dependency.Type.AFTEROK, List.of("10", "11.head")),
                new Dependency(Dependency.Type.AFTERANY, List.of("12[]")));
        assertThat(request.dependencies()).flatMap(Dependency::jobIds).containsExactly("10", "11", "12");
        assertThat(request.array()).hasValueSatisfying(array -> {
            assertThat(array.indices()).containsExactly(1, 2, 3, 4);
            assertThat(array.maxRunning()).isEmpty();
        });
        assertThat(request.hold()).isTrue();
        assertThat(request.priority()).contains(-10);
        assertThat(request.rerunnable()).contains(false);
        assertThat(request.shell()).contains("/bin/bash");
    }

    @Test
    void theCommandLineOverridesDirectivesPerResourceAndPerVariable() throws PbsException {
        JobRequest request = parse("""
                #PBS -N fromScript -j oe
                #PBS -l nodes=2:ppn=4,walltime=1:00:00,mem=1gb
                #PBS -v A=1,B=2
                #PBS -M s@x
                true
                """, "-N", "fromCommandLine", "-l", "walltime=2:00:00", "-v", "B=3,C=4", "-M", "c@x");
        assertThat(request.name()).contains("fromCommandLine");
        assertThat(request.join()).contains(Join.OUTPUT_AND_ERROR);
        assertThat(request.nodes()).contains(new NodeShape(2, 4));
        assertThat(request.walltime()).contains(7200L);
        assertThat(request.memory()).contains(1L << 30);
        assertThat(request.variables()).containsExactly(Map.entry("A", "1"), Map.entry("B", "3"), Map.entry("C", "4"));
        assertThat(request.mailUsers()).containsExactly("c@x");
    }

    @Test
    void anArraysLimitOfElementsAtOnceIsReadFromTheDirectiveOrTheCommandLine() throws PbsException {
        assertThat(parse("#PBS -t 1-100%10\ntrue\n").array()).hasValueSatisfying(array -> {
            assertThat(array.indices()).hasSize(100);
            assertThat(array.maxRunning()).contains(10);
        });
        assertThat(parse("#PBS -t 1-100%10\ntrue\n", "-t", "0-3%1").array()).hasValueSatisfying(array -> {
            assertThat(array.indices()).containsExactly(0, 1, 2, 3);
            assertThat(array.maxRunning()).contains(1);
        });
    }

    @Test
    void pbsProsJIsAnArrayAsTorquesTIs() throws PbsException {
        assertThat(parse("#PBS -J 1-9:4\ntrue\n").array()).hasValueSatisfying(array -> {
            assertThat(array.indices()).containsExactly(1, 5, 9);
            assertThat(array.maxRunning()).isEmpty();
        });
        assertThat(parse("true\n", "-J", "0-99%5").array()).hasValueSatisfying(array -> {
            assertThat(array.indices()).hasSize(100);
            assertThat(array.maxRunning()).contains(5);
        });
        assertThat(refusal("true\n", "-J", "5-1")).hasMessage("-J 5-1: range 5-1 is reversed");
    }

    @Test
    void theCommandLineNodeShapeReplacesTheScriptsHoweverSpelled() throws PbsException {
        String script = "#PBS -l nodes=2:ppn=4\ntrue\n";
        assertThat(parse(script, "-l", "select=3:ncpus=2").nodes()).contains(new NodeShape(3, 2));
        assertThat(parse(script, "-l", "nodes=5").nodes()).contains(new NodeShape(5, 1));
        assertThat(parse(script).nodes()).contains(new NodeShape(2, 4));
    }

    @Test
    void torquesNamedNodesAreRequiredAndCountedWithTheOthers() throws PbsException {
        assertThat(parse("#PBS -l nodes=node01:ppn=4+node02:ppn=4\ntrue\n").nodes())
                .contains(new NodeShape(2, 4, List.of("node01", "node02")));
        assertThat(parse("true\n", "-l", "nodes=node3+2").nodes()).contains(new NodeShape(3, 1, List.of("node3")));
        assertThat(parse("#PBS -l nodes=node1\ntrue\n", "-l", "nodes=2").nodes()).as("the command line's replaces it")
                .contains(new NodeShape(2, 1));
        assertThat(refusal("true\n", "-l", "nodes=n1:ppn=2+n2:ppn=4")).hasMessage("-l nodes=n1:ppn=2+n2:ppn=4: every "
                + "part must ask the same ppn (2 and 4): nodes are given whole, one shape per job");
        assertThat(refusal("true\n", "-l", "nodes=n1+n1")).hasMessage("-l nodes=n1+n1: node n1 is named twice");
        assertThat(refusal("true\n", "-l", "nodes=n1++n2")).hasMessageStartingWith("-l nodes=n1++n2: expected nodes=N[:ppn=M]");
        assertThat(refusal("true\n", "-l", "nodes=-x")).hasMessage("-l nodes=-x: bad node name -x");
    }

    @Test
    void torquesNodePropertiesAreFeaturesEveryNodeMustHave() throws PbsException {
        assertThat(parse("#PBS -l nodes=2:ppn=4:gpu:ib\ntrue\n").nodes())
                .contains(new NodeShape(2, 4, List.of(), List.of("gpu", "ib")));
        assertThat(parse("true\n", "-l", "nodes=n1:gpu:ppn=2+1:ppn=2:gpu").nodes())
                .contains(new NodeShape(2, 2, List.of("n1"), List.of("gpu")));
        assertThat(refusal("true\n", "-l", "nodes=n1:gpu+1")).hasMessage("-l nodes=n1:gpu+1: every part must ask the "
                + "same features (gpu and none)");
        assertThat(refusal("true\n", "-l", "nodes=2:ppn=4:ppn=2")).hasMessage("-l nodes=2:ppn=4:ppn=2: ppn is given "
                + "twice in 2:ppn=4:ppn=2");
        assertThat(parse("true\n", "-l", "nodes=2:ppn=4:gpus=2:k80").nodes()).as("Torque's GPUs per node")
                .contains(new NodeShape(2, 4, List.of(), List.of("k80"), 2));
        assertThat(refusal("true\n", "-l", "nodes=1:gpus=0")).hasMessage("-l nodes=1:gpus=0: the GPUs per node must be a "
                + "whole number from 1 to 1024");
        assertThat(parse("true\n", "-l", "nodes=1:100gbe").nodes()).as("a feature may start with a digit")
                .contains(new NodeShape(1, 1, List.of(), List.of("100gbe")));
        assertThat(refusal("true\n", "-l", "nodes=2:mics=1")).hasMessageStartingWith("-l nodes=2:mics=1: expected "
                + "nodes=N[:ppn=M][:gpus=G][:FEATURE...]");
    }

    @Test
    void theSuitesOwnExcludeAttributeTakesAHostList() throws PbsException {
        assertThat(parse("#PBS -W exclude=node[1-2],node5\ntrue\n").excludedNodes().orElseThrow())
                .containsExactly("node1", "node2", "node5");
        assertThat(parse("#PBS -W exclude=node1\ntrue\n", "-W", "exclude=node2").excludedNodes().orElseThrow())
                .as("the command line's replaces it").containsExactly("node2");
        assertThat(refusal("true\n", "-W", "exclude=n[1-")).hasMessage("-W exclude=n[1-: invalid host list n[1-: "
                + "unbalanced brackets");
        assertThat(refusal("true\n", "-W", "exclude")).hasMessage("-W exclude: unsupported attribute");
        assertThat(parse("#PBS -W exclude=node1\ntrue\n", "-W", "exclude=").excludedNodes()).as("cleared")
                .contains(List.of());
        assertThat(parse("true\n").excludedNodes()).as("not given").isEmpty();
    }

    @Test
    void torquesAdvanceReservationResource() throws PbsException {
        assertThat(parse("#PBS -l advres=res2\ntrue\n").reservation()).contains("res2");
        assertThat(parse("#PBS -l advres=res2\ntrue\n", "-l", "advres=res3").reservation())
                .as("the command line's replaces it").contains("res3");
        assertThat(parse("#PBS -l nodes=2,advres=res2,walltime=60\ntrue\n").reservation()).contains("res2");
        assertThat(refusal("true\n", "-l", "advres=res*")).hasMessageStartingWith("-l advres=res*: a reservation's name");
        assertThat(refusal("true\n", "-l", "advres")).hasMessage("-l advres: expected advres=VALUE");
        assertThat(parse("#PBS -l advres=res2\ntrue\n", "-l", "advres=").reservation()).as("none").contains("");
    }

    @Test
    void laterDirectivesReplaceEarlierOnes() throws PbsException {
        JobRequest request = parse("#PBS -N first\n#PBS -l walltime=10\n#PBS -N second\n#PBS -l mem=1kb\ntrue\n");
        assertThat(request.name()).contains("second");
        assertThat(request.walltime()).contains(10L);
        assertThat(request.memory()).contains(1024L);
    }

    @Test
    void fillsTheNameFromTheScriptAndTheJoinDefault() throws PbsException {
        JobRequest request = PbsParser.parse("dir/sub/run job.sh", "echo hi\n", List.of(), ENV);
        assertThat(request.name()).contains("run_job.sh");
        assertThat(request.join()).contains(Join.NONE);
        assertThat(request.walltime()).isEmpty();
        assertThat(request.queue()).isEmpty();
        assertThat(PbsParser.parse("", "echo hi", List.of(), ENV).name()).contains("STDIN");
        assertThat(PbsParser.parse("a".repeat(300), "echo hi", List.of(), ENV).name()).contains("a".repeat(236));
    }

    @Test
    void directivesAfterTheFirstCommandAreIgnored() throws PbsException {
        JobRequest request = parse("""
                #!/bin/sh
                #PBS -N early

                # a comment
                   # an indented comment
                echo start
                #PBS -N late
                #PBS -Z not even checked
                """);
        assertThat(request.name()).contains("early");
    }

    @Test
    void onlyColumnOnePbsFollowedBySpaceIsADirective() throws PbsException {
        JobRequest request = parse("  #PBS -N indented\n#PBS-N runTogether\n#PBSX -N other\n#PBS\t-q tabbed\n#PBS\nls\n");
        assertThat(request.name()).contains("job.sh");
        assertThat(request.queue()).contains("tabbed");
        PbsException e = refusal("#PBS\t-Z\nls\n");
        assertThat(e).hasMessage("job.sh:1: #PBS -Z: unknown directive");
    }

    @Test
    void acceptsCrLfLineEnds() throws PbsException {
        JobRequest request = parse("#!/bin/sh\r\n#PBS -N win\r\n#PBS -j oe\r\n\r\necho hi\r\n");
        assertThat(request.name()).contains("win");
        assertThat(request.join()).contains(Join.OUTPUT_AND_ERROR);
    }

    @Test
    void skipsALeadingByteOrderMark() throws PbsException {
        assertThat(parse("\uFEFF#!/bin/sh\n#PBS -N bom\necho\n").name()).contains("bom");
    }

    @Test
    void directivesHoldSeveralQuotedOptionsAndComments() throws PbsException {
        JobRequest request = parse("#PBS -N 'x' -j oe -M \"a@x,b@y\" # mail both\n#PBS -v 'MSG=hello world'\nrun\n");
        assertThat(request.name()).contains("x");
        assertThat(request.join()).contains(Join.OUTPUT_AND_ERROR);
        assertThat(request.mailUsers()).containsExactly("a@x", "b@y");
        assertThat(request.variables()).containsExactly(Map.entry("MSG", "hello world"));
    }

    @Test
    void attachedValuesWorkInDirectivesToo() throws PbsException {
        assertThat(parse("#PBS -Nname -lwalltime=1:00\nrun\n").name()).contains("name");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "#!/bin/sh\\n#PBS -N ok\\n#PBS -Z foo\\necho      | -Z | job.sh:3: #PBS -Z: unknown directive",
            "#PBS -l nodes=1\\n#PBS -l gpus=1\\necho       | -l gpus | job.sh:2: #PBS -l gpus=1: unknown resource",
            "#PBS -l walltime=10:61:00\\necho               | -l walltime | job.sh:1: #PBS -l walltime=10:61:00: minutes and seconds must be below 60",
            "\\n\\n#PBS -N a -l nodes=0 -j oe\\necho         | -l nodes | job.sh:3: #PBS -l nodes=0: nodes must be at least 1",
            "#PBS -N \"a b\"\\necho                        | -N | job.sh:1: #PBS -N \"a b\": job name must not contain whitespace",
            "#PBS -M \"a@x\\necho                          | '' | job.sh:1: #PBS -M \"a@x: unterminated double quote",
            "#PBS -j\\necho                                 | -j | job.sh:1: #PBS -j: needs a value",
            "#PBS -N x extra\\necho                         | '' | job.sh:1: #PBS extra: unexpected argument",
            "#PBS -I\\necho                                 | -I | job.sh:1: #PBS -I: an interactive job is asked for on qsub's command line (qsub -I), not in a script",
            "#PBS -l nodes=2\\n#PBS -l ncpus=4\\necho      | -l ncpus | job.sh:2: #PBS -l ncpus=4: cannot be combined with nodes",
            "#PBS -W depend=afterok:abc\\necho              | -W depend | job.sh:1: #PBS -W depend=afterok:abc: job id abc is not numeric",
            "#PBS -t 1-100%0\\necho                        | -t | job.sh:1: #PBS -t 1-100%0: the limit after % must be at least 1",
    })
    void refusesBadDirectivesNamingTheLine(String script, String field, String message) {
        PbsException e = refusal(script.replace("\\n", "\n"));
        assertThat(e).hasMessage(message);
        assertThat(e.field()).isEqualTo(field);
    }

    @Test
    void directivesAreCheckedBeforeTheCommandLine() {
        assertThat(refusal("#PBS -Z\necho\n", "-Y")).hasMessage("job.sh:1: #PBS -Z: unknown directive");
        assertThat(refusal("#PBS -N ok\necho\n", "-Y")).hasMessage("unknown option -Y");
    }

    @Test
    void refusesADirectiveLongerThanAnOptionMayBe() {
        assertThat(refusal("#PBS -N x\n#PBS -o /" + "d".repeat(ScriptScanner.MAX_DIRECTIVE_CHARS) + "\necho\n"))
                .hasMessage("job.sh:2: #PBS directive longer than 4096 characters");
        assertThat(refusal("#PBS -o /" + "d".repeat(ScriptScanner.MAX_DIRECTIVE_CHARS - 5) + "\n").getMessage())
                .as("one at the limit is read (and refused for the script having no commands)")
                .isEqualTo("job.sh: the script has no commands");
    }

    @Test
    void refusesANulByte() {
        PbsException e = refusal("#PBS -N x\necho \0\n");
        assertThat(e).hasMessage("job.sh: not a text file");
        assertThat(e.field()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"''", "'\\n\\n  \\n'", "'#!/bin/sh\\n#PBS -N x\\n# only comments\\n'"})
    void refusesAScriptWithoutCommands(String script) {
        PbsException e = refusal(script.replace("\\n", "\n"));
        assertThat(e).hasMessage("job.sh: the script has no commands");
        assertThat(e.field()).isEmpty();
    }

    @Test
    void aScriptNameWithSpacesIsQuotedInMessages() {
        PbsException e = catchThrowableOfType(PbsException.class,
                () -> PbsParser.parse("my job.sh", "#PBS -Z\nrun\n", List.of(), ENV));
        assertThat(e).hasMessage("\"my job.sh\":1: #PBS -Z: unknown directive");
    }

    @Test
    void overriddenByReplacesWhatTheOtherGivesAndKeepsTheRest() throws PbsException {
        JobRequest base = PbsParser.options(List.of("-N", "a", "-h", "-M", "x@y,z@y", "-W", "depend=afterok:1",
                "-v", "P=1,Q=2", "-l", "walltime=60,nodes=2"));
        JobRequest merged = base.overriddenBy(PbsParser.options(List.of("-V", "-W", "depend=afterany:2", "-v", "Q=3",
                "-l", "mem=1kb")));
        assertThat(merged.name()).contains("a");
        assertThat(merged.hold()).isTrue();
        assertThat(merged.exportAll()).isTrue();
        assertThat(merged.mailUsers()).containsExactly("x@y", "z@y");
        assertThat(merged.dependencies()).containsExactly(new Dependency(Dependency.Type.AFTERANY, List.of("2")));
        assertThat(merged.variables()).containsExactly(Map.entry("P", "1"), Map.entry("Q", "3"));
        assertThat(merged.walltime()).contains(60L);
        assertThat(merged.nodes()).contains(new NodeShape(2, 1));
        assertThat(merged.memory()).contains(1024L);
        assertThat(base.overriddenBy(JobRequest.EMPTY)).isEqualTo(base);
        assertThat(JobRequest.EMPTY.overriddenBy(base)).isEqualTo(base);
    }
}
