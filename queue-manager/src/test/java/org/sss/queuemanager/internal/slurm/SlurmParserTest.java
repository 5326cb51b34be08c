package org.sss.queuemanager.internal.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.sss.queuemanager.internal.pbs.Dependency;
import org.sss.queuemanager.internal.pbs.JobRequest;
import org.sss.queuemanager.internal.pbs.MailEvent;

class SlurmParserTest {
    private static final String BODY = "#!/bin/bash\necho hi\n";

    private static SlurmRequest options(String... words) throws SlurmParseException {
        return SlurmParser.parse("job.sh", BODY, List.of(words), Map.of("HOME", "/home/a", "FOO", "bar"));
    }

    private static SlurmRequest script(String text, String... words) throws SlurmParseException {
        return SlurmParser.parse("job.sh", text, List.of(words), Map.of());
    }

    @Test
    void readsEveryValuedOptionInLongAndShortForms() throws SlurmParseException {
        SlurmRequest r = options("-N2", "--ntasks=4", "--ntasks-per-node", "2", "-c", "3", "-t", "1-0",
                "-J", "run", "-o", "out-%j.txt", "--error=err-%j.txt", "-p", "short", "-a", "1-9:2",
                "--dependency=afterok:12:13,afterany:14", "--mem=2G", "--mem-per-cpu=512", "--export=NONE",
                "-D", "sub", "-H", "-A", "physics");
        JobRequest base = r.base();
        assertThat(r.nodes()).contains(2);
        assertThat(r.tasks()).contains(4);
        assertThat(r.tasksPerNode()).contains(2);
        assertThat(r.cpusPerTask()).isEqualTo(3);
        assertThat(base.walltime()).contains(86_400L);
        assertThat(base.name()).contains("run");
        assertThat(base.outputPath()).contains("out-%j.txt");
        assertThat(base.errorPath()).contains("err-%j.txt");
        assertThat(base.queue()).contains("short");
        assertThat(base.array().orElseThrow().indices()).containsExactly(1, 3, 5, 7, 9);
        assertThat(base.array().orElseThrow().maxRunning()).isEmpty();
        assertThat(options("--array=0-99%5").base().array()).hasValueSatisfying(array -> {
            assertThat(array.indices()).hasSize(100);
            assertThat(array.maxRunning()).contains(5);
        });
        assertThat(base.dependencies()).extracting(Dependency::type).containsExactly(Dependency.Type.AFTEROK,
                Dependency.Type.AFTERANY);
        assertThat(base.dependencies().getFirst().jobIds()).containsExactly("12", "13");
        assertThat(r.memoryPerNode()).contains(2L << 30);
        assertThat(base.processMemory()).contains(512L << 20);
        assertThat(base.exportAll()).isFalse();
        assertThat(r.chdir()).contains("sub");
        assertThat(base.hold()).isTrue();
        assertThat(base.account()).contains("physics");
    }

    @Test
    void acceptsAbbreviatedLongNamesAndValuesInTheNextWord() throws SlurmParseException {
        SlurmRequest r = options("--part", "short", "--job", "x", "--nodes", "3");
        assertThat(r.base().queue()).contains("short");
        assertThat(r.base().name()).contains("x");
        assertThat(r.nodes()).contains(3);
    }

    @Test
    void refusesAnAmbiguousAbbreviation() {
        assertThatThrownBy(() -> options("--mem-per=1", "--ntasks-per=1", "--n=1"))
                .hasMessage("--n: ambiguous (--nodes, --ntasks, --ntasks-per-node, --no-requeue, --nodelist, --nice)");
    }

    @Test
    void takesTheOptionsScriptsFromSlurmClustersCommonlyCarry() throws SlurmParseException {
        SlurmRequest r = options("--mail-type=END,fail", "--mail-user=a@x.org, b@x.org", "--nice=10", "--exclusive",
                "--hint=nomultithread", "--time-min=5", "--kill-on-invalid-dep=yes", "-Q", "-v");
        assertThat(r.base().mailEvents()).contains(Set.of(MailEvent.END, MailEvent.ABORT));
        assertThat(r.base().mailUsers()).containsExactly("a@x.org", "b@x.org");
        assertThat(r.base().priority()).contains(-10);
        assertThat(options("--mail-type=ALL").base().mailEvents())
                .contains(Set.of(MailEvent.BEGIN, MailEvent.END, MailEvent.ABORT));
        assertThat(options("--mail-type=NONE").base().mailEvents()).contains(Set.of());
        assertThat(options("--nice=-5000").base().priority()).as("within PBS's range").contains(1023);
        assertThat(options("--nice").base().priority()).as("sbatch's default adjustment").contains(-100);
        assertThat(options("--exclusive=user").base().priority()).isEmpty();
        assertThatThrownBy(() -> options("--exclusive=node")).hasMessageContaining("=user, =mcs or =topo");
        assertThatThrownBy(() -> options("--hold=yes")).hasMessageContaining("takes no value");
    }

    @Test
    void defaultsToExportingTheWholeEnvironment() throws SlurmParseException {
        assertThat(options().base().exportAll()).isTrue();
        assertThat(options().base().variables()).isEmpty();
    }

    @Test
    void exportsOnlyTheListedVariablesTakingValuesFromTheEnvironment() throws SlurmParseException {
        JobRequest base = options("--export=FOO,X=1").base();
        assertThat(base.exportAll()).isFalse();
        assertThat(base.variables()).containsExactly(Map.entry("FOO", "bar"), Map.entry("X", "1"));
        JobRequest all = options("--export=ALL,X=2").base();
        assertThat(all.exportAll()).isTrue();
        assertThat(all.variables()).containsExactly(Map.entry("X", "2"));
    }

    @ParameterizedTest
    @CsvSource({"4096, 4294967296", "4096M, 4294967296", "4G, 4294967296", "512K, 524288", "1T, 1099511627776",
            "0, 0"})
    void readsMemoryInMegabytesByDefault(String value, long bytes) throws SlurmParseException {
        assertThat(options("--mem=" + value).memoryPerNode()).contains(bytes);
    }

    @Test
    void readsDirectivesUntilTheFirstCommand() throws SlurmParseException {
        SlurmRequest r = script("""
                #!/bin/bash
                # a comment
                #SBATCH --job-name=first
                #SBATCH -N 2 --time=10

                #SBATCH --partition=short
                hostname
                #SBATCH --job-name=ignored
                """);
        assertThat(r.base().name()).contains("first");
        assertThat(r.nodes()).contains(2);
        assertThat(r.base().walltime()).contains(600L);
        assertThat(r.base().queue()).contains("short");
    }

    @Test
    void ignoresIndentedOrRunOnDirectives() throws SlurmParseException {
        SlurmRequest r = script("#!/bin/sh\n  #SBATCH -J indented\n#SBATCH-J runon\n#SBATCHX\necho\n");
        assertThat(r.base().name()).isEmpty();
    }

    @Test
    void letsTheCommandLineWin() throws SlurmParseException {
        SlurmRequest r = script("#!/bin/sh\n#SBATCH -J fromscript -t 5\necho\n", "-J", "fromline");
        assertThat(r.base().name()).contains("fromline");
        assertThat(r.base().walltime()).contains(300L);
    }

    @Test
    void namesTheScriptLineOfABadDirective() {
        assertThatThrownBy(() -> script("#!/bin/sh\n#SBATCH -J ok\n#SBATCH --licenses=matlab\necho\n"))
                .hasMessage("job.sh:3: #SBATCH --licenses: unrecognized option");
        assertThatThrownBy(() -> script("#!/bin/sh\n#SBATCH --nodes=0\necho\n"))
                .hasMessage("job.sh:2: #SBATCH --nodes=0: node count must be at least 1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--constraint=ib*2 | --constraint=ib*2: only features joined by & (all of them on every node) are "
                    + "supported: not OR lists, brackets or counts",
            "-Ca&&b | -C=a&&b: bad feature name (empty)",
            "--gres=mps:100 | --gres=mps:100: only gpu[:TYPE]:COUNT is supported (GPUs on each node)",
            "--gpus=0 | --gpus=0: the GPU count must be a whole number from 1 to 1024",
            "--licenses=x | unrecognized option --licenses",
            "-x | -x: needs a value",
            "--nodelist=node[1-3 | --nodelist=node[1-3: invalid host list node[1-3: unbalanced brackets",
            "--nodelist=node[3-1] | --nodelist=node[3-1]: invalid host list node[3-1]: range 3-1 is reversed",
            "-w./hosts | -w=./hosts: a file of node names is not read here; give the names (node[1-4],node7)",
            "--exclude=n[1-20000] | --exclude=n[1-20000]: invalid host list n[1-20000]: more than 10000 hosts",
            "--exclude=a;b | --exclude=a;b: bad node name a;b",
            "--signal=USR3 | --signal=USR3: unknown signal USR3",
            "--qos=high,low | --qos=high,low: a QOS name must be 1 to 64 letters, digits, underscores, dots or dashes, not"
                    + " starting with a dot or dash; one name, not a list (sssjob queues lists them: normal)",
            "-N | -N: needs a value",
            "--nodes=2-4 | --nodes=2-4: node count ranges (MIN-MAX) are not supported; give one number",
            "--ntasks=abc | --ntasks=abc: task count must be a whole number",
            "--cpus-per-task=2000 | --cpus-per-task=2000: cpus per task must be at most 1024",
            "--time=1h | --time=1h: expected M, M:S, H:M:S, D-H, D-H:M or D-H:M:S",
            "--array=1-10%0 | --array=1-10%0: the limit after % must be at least 1",
            "--mail-type=SOMETIMES | --mail-type=SOMETIMES: unknown mail type SOMETIMES (expected NONE, BEGIN, END, "
                    + "FAIL, REQUEUE, ALL, INVALID_DEPEND, STAGE_OUT, TIME_LIMIT, TIME_LIMIT_90, TIME_LIMIT_80, "
                    + "TIME_LIMIT_50, ARRAY_TASKS)",
            "--kill-on-invalid-dep=no | --kill-on-invalid-dep=no: not supported: a job whose dependency can never be "
                    + "met is ended (as with yes)",
            "--hint=fast | --hint=fast: unknown hint (expected compute_bound, memory_bound, multithread or "
                    + "nomultithread)",
            "--nice=x | --nice=x: expected a whole number",
            "--array=1-10% | --array=1-10%: expected N, N-M or N-M:STEP, separated by commas, optionally followed by %LIMIT",
            "--array=5-1 | --array=5-1: range 5-1 is reversed",
            "--dependency=aftercorr:1 | --dependency=aftercorr:1: unsupported dependency type aftercorr; use after, "
                    + "afterok, afterany, afternotok or singleton",
            "--dependency=afterok:1?afterok:2 | --dependency=afterok:1?afterok:2: dependencies joined by ? (any of) "
                    + "are not supported; use , (all of)",
            "--mem=4X | --mem=4X: expected a size in megabytes, or with a K, M, G or T suffix (4096, 4G)",
            "--mem-per-cpu=0 | --mem-per-cpu=0: size must be more than 0",
            "--output=%N.out | --output=%N.out: %N is not supported in file names (supported: %j %A %a %x %u %%)",
            "--export=1BAD | --export=1BAD: bad variable name 1BAD",
            "--hold=yes | --hold=yes: takes no value",
            "--partition=a/b | --partition=a/b: queue name must be 1 to 64 letters, digits, underscores, dots or dashes",
    })
    void refusesByName(String option, String message) {
        assertThatThrownBy(() -> options(option)).isInstanceOf(SlurmParseException.class).hasMessage(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--wrap=hostname", "--parsable", "--wait", "-W"})
    void refusesCommandOnlyOptionsInTheScript(String option) {
        assertThatThrownBy(() -> script("#!/bin/sh\n#SBATCH " + option + "\necho\n"))
                .hasMessageContaining("give it on the sbatch command line, not in the script");
    }

    @Test
    void refusesAScriptWithoutCommands() {
        assertThatThrownBy(() -> script("#!/bin/sh\n#SBATCH -N1\n")).hasMessage("job.sh: the script has no commands");
    }

    @Test
    void refusesAWordThatIsNoOption() {
        assertThatThrownBy(() -> options("hostname"))
                .hasMessage("hostname: unexpected argument (options come before the script)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "                                | 0 | 1 | 1 | 1",
            "-N3                             | 8 | 3 | 1 | 3",
            "-N2 --ntasks-per-node=4         | 8 | 2 | 4 | 8",
            "-N2 -n5                         | 8 | 2 | 3 | 5",
            "--ntasks-per-node=3             | 8 | 1 | 3 | 3",
            "-n6                             | 8 | 1 | 6 | 6",
            "-n6                             | 2 | 3 | 2 | 6",
            "-n5                             | 2 | 3 | 2 | 5",
            "-n6                             | 0 | 1 | 6 | 6",
            "-n6 --ntasks-per-node=2         | 8 | 3 | 2 | 6",
            "-n4 -c2                         | 4 | 2 | 4 | 4",
            "-N2 -c3                         | 8 | 2 | 3 | 2",
            "-w n[1-3]                       | 8 | 3 | 1 | 3",
            "-w n[1-2] -n6                   | 8 | 2 | 3 | 6",
            "-w n1 -n6                       | 2 | 3 | 2 | 6",
            "-w n1 -N3                       | 8 | 3 | 1 | 3",
            "-w n[1-2] --ntasks-per-node=2   | 8 | 2 | 2 | 4",
    })
    void mapsTasksOntoNodesAndSlots(String words, int maxSlots, int nodes, int ppn, int tasks)
            throws SlurmParseException {
        List<String> list = words == null ? List.of() : List.of(words.strip().split("\\s+"));
        SlurmRequest.Shape shape = SlurmParser.parse("job.sh", BODY, list, Map.of()).shape(maxSlots);
        assertThat(shape.nodes()).isEqualTo(nodes);
        assertThat(shape.ppn()).isEqualTo(ppn);
        assertThat(shape.tasks()).isEqualTo(tasks);
    }

    @Test
    void readsTheNodesAJobMustAndMustNotBeGiven() throws SlurmParseException {
        SlurmRequest request = script("#!/bin/sh\n#SBATCH -w node[01-02],login1\n#SBATCH --exclude=node[03-04]\necho\n",
                "--nodelist=node[02,01]");
        assertThat(request.nodelist()).as("the command line's list replaces the script's").containsExactly("node02", "node01");
        assertThat(request.base().excludedNodes().orElseThrow()).containsExactly("node03", "node04");
        assertThat(request.shape(8).nodeShape().hosts()).containsExactly("node02", "node01");
        assertThat(options("-x", "n1,n1,n2").base().excludedNodes().orElseThrow()).as("each once").containsExactly("n1", "n2");
        assertThat(options("--exclud=n[1-2]").base().excludedNodes().orElseThrow()).as("abbreviated").containsExactly("n1", "n2");
        assertThatThrownBy(() -> options("--excl=n1")).hasMessage("--excl: ambiguous (--exclude, --exclusive)");
    }

    @Test
    void readsTheFeaturesEveryNodeMustHave() throws SlurmParseException {
        assertThat(script("#!/bin/sh\n#SBATCH --constraint=gpu&bigmem\n#SBATCH -N2\necho\n").shape(8).nodeShape())
                .isEqualTo(new org.sss.queuemanager.internal.pbs.NodeShape(2, 1, List.of(), List.of("gpu", "bigmem")));
        assertThat(options("-C", "ib").shape(8).features()).containsExactly("ib");
    }

    @Test
    void readsGpusPerNodeOrInAllWithTheirType() throws SlurmParseException {
        assertThat(options("-N2", "--gres=gpu:a100:2").shape(8)).satisfies(shape -> {
            assertThat(shape.gpus()).isEqualTo(2);
            assertThat(shape.features()).containsExactly("a100");
        });
        assertThat(options("--gres=gpu").shape(8).gpus()).isEqualTo(1);
        assertThat(options("-N3", "-G", "4").shape(8).gpus()).as("4 in all over 3 nodes").isEqualTo(2);
        assertThat(options("--gpus-per-node=v100:1", "-C", "ib").shape(8).features()).containsExactly("ib", "v100");
        assertThat(options("-G", "8").shape(64, 4)).as("without -N, as many nodes as hold the GPUs").satisfies(shape -> {
            assertThat(shape.nodes()).isEqualTo(2);
            assertThat(shape.gpus()).isEqualTo(4);
        });
        assertThat(options("--gres=gpu:tesla").shape(8)).as("a type alone is one GPU of it").satisfies(shape -> {
            assertThat(shape.gpus()).isEqualTo(1);
            assertThat(shape.features()).containsExactly("tesla");
        });
        assertThat(options("-C", "ib", "--gres=gpu:a100:1").wantedFeatures()).containsExactly("ib", "a100");
        assertThat(options("-G", "3").leastGpusPerNode()).isEqualTo(1);
        assertThatThrownBy(() -> options("-G2", "--gres=gpu:1").shape(8))
                .hasMessage("--gpus and --gres/--gpus-per-node cannot be combined; give one");
    }

    @Test
    void readsTheSignalBeforeTheTimeLimit() throws SlurmParseException {
        assertThat(script("#!/bin/sh\n#SBATCH --signal=B:USR1@90\necho\n").base().endSignal())
                .contains(new org.sss.queuemanager.internal.pbs.EndSignal("USR1", 90, true));
        assertThat(options("--signal", "TERM").base().endSignal())
                .contains(new org.sss.queuemanager.internal.pbs.EndSignal("TERM", 60, false));
    }

    @Test
    void readsTheReservation() throws SlurmParseException {
        assertThat(script("#!/bin/sh\n#SBATCH --reservation=res4\necho\n").base().reservation()).contains("res4");
        assertThat(options("--reservation", "maint.7").base().reservation()).contains("maint.7");
        assertThatThrownBy(() -> options("--reservation=a b")).hasMessageContaining("\"--reservation=a b\": a reservation's "
                + "name must be 1 to 64 letters");
    }

    @Test
    void refusesANodeListLongerThanTheJob() {
        assertThatThrownBy(() -> options("-N1", "-w", "n[1-2]").shape(8))
                .hasMessage("--nodelist names 2 nodes, more than --nodes=1");
        assertThatThrownBy(() -> options("-n1", "-w", "n[1-2]").shape(8))
                .hasMessageContaining("--ntasks=1 is fewer than the 2 nodes of --nodelist");
    }

    @Test
    void refusesFewerTasksThanNodesOrTasksThatDoNotFit() {
        assertThatThrownBy(() -> options("-N3", "-n2").shape(8)).hasMessageContaining("fewer than --nodes=3");
        assertThatThrownBy(() -> options("-N2", "-n5", "--ntasks-per-node=2").shape(8))
                .hasMessageContaining("does not fit 2 node(s)");
    }
}
