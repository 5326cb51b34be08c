package org.sss.sssjob.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LaunchArgsTest {
    @Test
    void readsOptionsUntilTheProgramAndLeavesItsArgumentsAlone() throws CliException {
        LaunchArgs args = LaunchArgs.parse(List.of("-N", "2", "-n4", "--ppn=2", "-l", "sh", "-c", "exit 5", "-N", "9"),
                true);
        assertThat(args.nodes()).isEqualTo(2);
        assertThat(args.ranks()).isEqualTo(4);
        assertThat(args.ppn()).isEqualTo(2);
        assertThat(args.label()).isTrue();
        assertThat(args.command()).containsExactly("sh", "-c", "exit 5", "-N", "9");
    }

    @Test
    void shapesTheAllocationAsSrunWould() throws CliException {
        assertThat(shape("-N", "2", "-n", "4", "x")).isEqualTo(new LaunchArgs.Shape(2, 2, 4, List.of(), List.of(), List.of(), 0));
        assertThat(shape("-N", "2", "-n", "3", "x")).isEqualTo(new LaunchArgs.Shape(2, 2, 3, List.of(), List.of(), List.of(), 0));
        assertThat(shape("-n", "2", "x")).isEqualTo(new LaunchArgs.Shape(1, 2, 2, List.of(), List.of(), List.of(), 0));
        assertThat(shape("-n", "5", "--ppn", "2", "x")).isEqualTo(new LaunchArgs.Shape(3, 2, 5, List.of(), List.of(), List.of(), 0));
        assertThat(shape("-N", "3", "x")).isEqualTo(new LaunchArgs.Shape(3, 1, 3, List.of(), List.of(), List.of(), 0));
        assertThat(shape("-N", "2", "--ntasks-per-node", "2", "x")).isEqualTo(new LaunchArgs.Shape(2, 2, 4, List.of(), List.of(), List.of(), 0));
        assertThat(shape("x")).isEqualTo(new LaunchArgs.Shape(1, 1, 1, List.of(), List.of(), List.of(), 0));
    }

    @Test
    void namedNodesAreRequiredAndAskedForInTorquesNamedForm() throws CliException {
        LaunchArgs.Shape named = shape("-w", "node[1-2]", "x");
        assertThat(named).isEqualTo(new LaunchArgs.Shape(2, 1, 2, List.of("node1", "node2"), List.of(), List.of(), 0));
        assertThat(named.qsubOptions()).containsExactly("-l", "nodes=node1:ppn=1+node2:ppn=1");
        LaunchArgs.Shape more = shape("-N", "3", "-n", "6", "--nodelist=node2", "-x", "node[3-4]", "x");
        assertThat(more.qsubOptions()).containsExactly("-l", "nodes=node2:ppn=2+2:ppn=2", "-W", "exclude=node3,node4");
        assertThat(shape("-n", "4", "-w", "a,b", "x")).as("at least as many nodes as named")
                .isEqualTo(new LaunchArgs.Shape(2, 2, 4, List.of("a", "b"), List.of(), List.of(), 0));
        assertThat(shape("-x", "n1", "x").qsubOptions()).containsExactly("-l", "nodes=1:ppn=1", "-W", "exclude=n1");
        assertThat(shape("-N", "2", "-C", "gpu&ib", "-w", "n1", "x").qsubOptions())
                .containsExactly("-l", "nodes=n1:ppn=1:gpu:ib+1:ppn=1:gpu:ib");
        assertThat(shape("--gres=gpu:a100:2", "x").qsubOptions()).containsExactly("-l", "nodes=1:ppn=1:gpus=2:a100");
        assertThat(shape("--gres=gpu", "x").qsubOptions()).containsExactly("-l", "nodes=1:ppn=1:gpus=1");
        assertThat(shape("--gpus-per-node=3", "-C", "ib", "x").qsubOptions()).containsExactly("-l", "nodes=1:ppn=1:gpus=3:ib");
        assertThatThrownBy(() -> LaunchArgs.parse(List.of("--gres=mps:1", "x"), true)).hasMessageContaining("expected gpu[:TYPE][:N]");
        assertThatThrownBy(() -> LaunchArgs.parse(List.of("-C", "gpu|ib", "x"), true))
                .hasMessage("-C gpu|ib: only feature names joined by & are taken");
        assertThatThrownBy(() -> LaunchArgs.parse(List.of("-N", "1", "-w", "a,b", "x"), true))
                .hasMessage("-w names 2 nodes, more than -N 1");
        assertThatThrownBy(() -> LaunchArgs.parse(List.of("-w", "a", "-x", "a", "x"), true))
                .hasMessage("node a is both in -w and in -x");
        assertThatThrownBy(() -> LaunchArgs.parse(List.of("-w", "a[1-", "x"), true))
                .hasMessageContaining("unbalanced brackets");
        assertThatThrownBy(() -> LaunchArgs.parse(List.of("-w", "./hosts", "x"), true))
                .hasMessageContaining("a file of node names is not read here");
        assertThatThrownBy(() -> LaunchArgs.parse(List.of("-w", "7", "x"), true)).hasMessage("-w 7: 7 is not a node's name");
        assertThatThrownBy(() -> LaunchArgs.parse(List.of("-x", "a+b", "x"), true))
                .hasMessage("-x a+b: a+b is not a node's name");
    }

    @Test
    void takesTheMpiTypeAndCpuBindingMpiScriptsCarry() throws CliException {
        LaunchArgs args = LaunchArgs.parse(List.of("--mpi=pmix", "--cpu-bind=cores", "-n", "2", "./a.out", "--mpi=x"),
                true);
        assertThat(args.ranks()).isEqualTo(2);
        assertThat(args.command()).containsExactly("./a.out", "--mpi=x");
        assertThat(LaunchArgs.parse(List.of("--mpi", "pmix_v4", "--cpu_bind=map_cpu:0,1", "x"), true).command())
                .containsExactly("x");
        assertThatThrownBy(() -> LaunchArgs.parse(List.of("--mpi=lam", "x"), true)).hasMessageContaining("unknown MPI type");
        assertThatThrownBy(() -> LaunchArgs.parse(List.of("--mpi=pmix", "x"), false)).hasMessageContaining("--mpi");
    }

    @Test
    void aReservationIsAskedForAsTorquesAdvres() throws CliException {
        assertThat(LaunchArgs.parse(List.of("--reservation=res2", "x"), true).reservation()).isEqualTo("res2");
        assertThat(LaunchArgs.parse(List.of("--reservation", "maint.1", "x"), false).reservation()).isEqualTo("maint.1");
        assertThat(LaunchArgs.parse(List.of("x"), true).reservation()).isNull();
        assertThatThrownBy(() -> LaunchArgs.parse(List.of("--reservation=a;b", "x"), true))
                .hasMessageContaining("--reservation=a;b: not a reservation's name");
    }

    @Test
    void aQosIsAskedForWithQosAndSrunsDashQButSssjobsDashQIsTheQueue() throws CliException {
        assertThat(LaunchArgs.parse(List.of("--qos=debug", "x"), true).qos()).isEqualTo("debug");
        LaunchArgs srun = LaunchArgs.parse(List.of("-q", "debug", "x"), true, true);
        assertThat(srun.qos()).isEqualTo("debug");
        assertThat(srun.queue()).isNull();
        LaunchArgs sssjob = LaunchArgs.parse(List.of("-q", "fast", "x"), true, false);
        assertThat(sssjob.queue()).isEqualTo("fast");
        assertThat(sssjob.qos()).isNull();
        assertThatThrownBy(() -> LaunchArgs.parse(List.of("--qos=a,b", "x"), false))
                .hasMessageContaining("--qos=a,b: not a QOS name");
    }

    @Test
    void refusesWhatItDoesNotTakeByName() {
        assertThatThrownBy(() -> LaunchArgs.parse(List.of("--mem", "1G", "x"), true))
                .hasMessageContaining("--mem").extracting(e -> ((CliException) e).status()).isEqualTo(2);
        assertThatThrownBy(() -> LaunchArgs.parse(List.of("-c", "4", "x"), true)).hasMessageContaining("-c");
        assertThatThrownBy(() -> LaunchArgs.parse(List.of("-l", "x"), false)).hasMessageContaining("-l");
        assertThatThrownBy(() -> LaunchArgs.parse(List.of("-N", "0", "x"), true)).hasMessageContaining("-N");
        assertThatThrownBy(() -> LaunchArgs.parse(List.of("-N", "3", "-n", "2", "x"), true))
                .hasMessageContaining("fewer");
        assertThatThrownBy(() -> LaunchArgs.parse(List.of("-N", "2", "-n", "5", "--ppn", "2", "x"), true))
                .hasMessageContaining("does not fit");
        assertThatThrownBy(() -> LaunchArgs.parse(List.of("-n"), true)).hasMessageContaining("needs a value");
    }

    @Test
    void takesSlurmsTimeForms() throws CliException {
        assertThat(SlurmTime.toPbs("90")).isEqualTo("01:30:00");
        assertThat(SlurmTime.toPbs("0:03")).isEqualTo("00:00:03");
        assertThat(SlurmTime.toPbs("1:02:03")).isEqualTo("01:02:03");
        assertThat(SlurmTime.toPbs("1-2")).isEqualTo("26:00:00");
        assertThat(SlurmTime.toPbs("1-0:30")).isEqualTo("24:30:00");
        assertThat(SlurmTime.toPbs("2-0:0:5")).isEqualTo("48:00:05");
        assertThatThrownBy(() -> SlurmTime.toPbs("1:2:3:4")).hasMessageContaining("-t");
        assertThatThrownBy(() -> SlurmTime.toPbs("0")).hasMessageContaining("no time");
    }

    @Test
    void knowsWhenItIsInsideAnAllocation() {
        assertThat(LaunchCommands.inside(Map.of("SSS_JOBID", "7"))).isTrue();
        assertThat(LaunchCommands.inside(Map.of("PBS_JOBID", "7", "MPD_JOB_KEY", "ab"))).isTrue();
        assertThat(LaunchCommands.inside(Map.of("PBS_JOBID", "7"))).isFalse();
        assertThat(LaunchCommands.inside(Map.of())).isFalse();
    }

    @Test
    void namesTheJobAfterTheProgram() {
        assertThat(LaunchCommands.jobName("./mpi_hello")).isEqualTo("mpi_hello");
        assertThat(LaunchCommands.jobName("/usr/bin/a-very-long-program-name")).isEqualTo("a-very-long-pro");
        assertThat(LaunchCommands.jobName("7up")).isEqualTo("run7up");
    }

    private static LaunchArgs.Shape shape(String... words) throws CliException {
        return LaunchArgs.parse(List.of(words), true).shape();
    }
}
