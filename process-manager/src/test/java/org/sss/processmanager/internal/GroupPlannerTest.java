package org.sss.processmanager.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.xml.bind.JAXBElement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.lib.xml.MessageCodec;
import org.sss.mpd.client.JobRequest;
import org.sss.schema.CreatepgType;

class GroupPlannerTest {
    private static final Principal COMPONENT = new Principal("suite", Role.COMPONENT, null);
    private static final Principal ALICE = new Principal("alice-key", Role.USER, "alice");
    private final MessageCodec codec = MessageCodec.messages();
    private final GroupPlanner planner = new GroupPlanner(false, "operator");

    private CreatepgType request(String xml) throws SssException {
        Object decoded = codec.decode(xml.getBytes(StandardCharsets.UTF_8));
        return (CreatepgType) ((JAXBElement<?>) decoded).getValue();
    }

    private static SssException failure(ThrowingPlan plan) {
        try {
            plan.run();
        } catch (SssException e) {
            return e;
        }
        throw new AssertionError("no SssException");
    }

    private interface ThrowingPlan {
        void run() throws SssException;
    }

    @Test
    void theSeedsFirstExampleNumbersRanksFromOneAndCyclesTheHostSpec() throws IOException, SssException {
        CreatepgType seed = (CreatepgType) ((JAXBElement<?>) codec.decode(SeedExamplesTest.seed("01-create-process-group.xml")))
                .getValue();
        GroupPlanner.Plan plan = planner.plan(seed, COMPONENT);
        assertThat(plan.submitter()).isEqualTo("desai");
        assertThat(plan.totalprocs()).isEqualTo(32);
        assertThat(plan.outputMode()).isEqualTo("discard");
        assertThat(plan.sets()).singleElement().satisfies(set -> {
            assertThat(set.count()).isEqualTo(32);
            assertThat(set.exec()).isEqualTo("/bin/foo");
            assertThat(set.args()).containsExactly("-v");
            assertThat(set.env()).contains("PATH=/bin:/usr/sbin");
            assertThat(set.wdir()).isEqualTo("/etc");
            assertThat(set.coProcess()).isEqualTo("tv-server");
            assertThat(set.runAs()).as("the caller's account: the process manager's own").isEqualTo("operator");
        });
        assertThat(plan.hostOfRank()).hasSize(32).startsWith("node1", "node2", "node1");
    }

    @Test
    void outputFilesPassToTheRingAndABlankOneIsRefused() throws SssException {
        GroupPlanner.Plan plan = planner.plan(request("""
                <create-process-group totalprocs="1" output="discard">
                  <process-spec exec="/spool/7/script" cwd="/home/alice" stdout="job.o7" stderr="job.o7"/>
                </create-process-group>"""), COMPONENT);
        assertThat(plan.sets()).singleElement().satisfies(set -> {
            assertThat(set.stdout()).isEqualTo("job.o7");
            assertThat(set.stderr()).isEqualTo("job.o7");
        });
        assertThat(planner.plan(request("""
                <create-process-group totalprocs="1"><process-spec exec="a"/></create-process-group>"""), COMPONENT).sets())
                .singleElement().satisfies(set -> assertThat(set.stdout() + set.stderr()).isEmpty());
        SssException blank = failure(() -> planner.plan(request("""
                <create-process-group totalprocs="1"><process-spec exec="a" stderr="  "/></create-process-group>"""),
                COMPONENT));
        assertThat(blank.code()).isEqualTo(ErrorCode.BAD_VALUE);
        assertThat(blank.getMessage()).contains("stderr");
    }

    @Test
    void mpmdSpecsBecomeSetsInRankOrderWithArgsByIndex() throws SssException {
        GroupPlanner.Plan plan = planner.plan(request("""
                <create-process-group totalprocs="5" output="label">
                  <process-spec exec="b" range="3-4"><arg idx="2" value="second"/><arg idx="1" value="first"/>
                    <limit type="nofile" value="128"/><env name="K" value="v"/></process-spec>
                  <process-spec exec="a" range="0-2" host="h1 h2"/>
                </create-process-group>"""), COMPONENT);
        assertThat(plan.sets()).extracting(JobRequest.ProcessSet::exec).containsExactly("a", "b");
        assertThat(plan.sets()).extracting(JobRequest.ProcessSet::count).containsExactly(3, 2);
        assertThat(plan.sets().get(1).args()).containsExactly("first", "second");
        assertThat(plan.sets().get(1).limits()).containsExactly("nofile=128");
        assertThat(plan.sets().get(1).env()).contains("K=v", "PATH=/usr/local/bin:/usr/bin:/bin");
        assertThat(plan.hostOfRank()).containsExactly("h1", "h2", "h1", null, null);
        assertThat(plan.fullyPlaced()).isFalse();
        assertThat(plan.execOfRank()).containsExactly("a", "a", "a", "b", "b");
    }

    @Test
    void rangesMustCoverTheGroupExactlyOnce() {
        assertThat(failure(() -> planner.plan(request("""
                <create-process-group totalprocs="4"><process-spec exec="a" range="0-1"/><process-spec exec="b" range="1-3"/>
                </create-process-group>"""), COMPONENT)).code()).isEqualTo(ErrorCode.BAD_VALUE);
        assertThat(failure(() -> planner.plan(request("""
                <create-process-group totalprocs="4"><process-spec exec="a" range="0-1"/><process-spec exec="b" range="3"/>
                </create-process-group>"""), COMPONENT)).getMessage()).contains("must cover");
        assertThat(failure(() -> planner.plan(request("""
                <create-process-group totalprocs="2"><process-spec exec="a" range="0"/><process-spec exec="b"/>
                </create-process-group>"""), COMPONENT)).getMessage()).contains("needs a range");
        assertThat(failure(() -> planner.plan(request("""
                <create-process-group totalprocs="2"><process-spec exec="a" range="x-y"/></create-process-group>"""),
                COMPONENT)).getMessage()).contains("not A-B");
    }

    @Test
    void aUserSubmitsAndRunsOnlyAsItself() throws SssException {
        GroupPlanner.Plan plan = planner.plan(request("<create-process-group totalprocs=\"1\"><process-spec exec=\"a\"/>"
                + "</create-process-group>"), ALICE);
        assertThat(plan.submitter()).isEqualTo("alice");
        assertThat(plan.sets().getFirst().runAs()).isEqualTo("alice");
        assertThat(failure(() -> planner.plan(request("<create-process-group totalprocs=\"1\" submitter=\"bob\">"
                + "<process-spec exec=\"a\"/></create-process-group>"), ALICE)).code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(failure(() -> planner.plan(request("<create-process-group totalprocs=\"1\">"
                + "<process-spec exec=\"a\" user=\"bob\"/></create-process-group>"), ALICE)).code())
                .isEqualTo(ErrorCode.PERMISSION_DENIED);
    }

    @Test
    void rootIsRefusedUnlessAllowed() throws SssException {
        String asRoot = "<create-process-group totalprocs=\"1\"><process-spec exec=\"a\" user=\"root\"/></create-process-group>";
        assertThatThrownBy(() -> planner.plan(request(asRoot), COMPONENT)).isInstanceOf(SssException.class)
                .hasMessageContaining("root");
        assertThat(new GroupPlanner(true, "operator").plan(request(asRoot), COMPONENT).sets().getFirst().runAs()).isEqualTo("root");
        assertThat(planner.plan(request("<create-process-group totalprocs=\"1\"><process-spec exec=\"a\" user=\"nobody\"/>"
                + "</create-process-group>"), COMPONENT).sets().getFirst().runAs()).isEqualTo("nobody");
    }

    @Test
    void aSpecNamingNoUserRunsAsTheCallerAndNeverAsRootUnlessAllowed() throws SssException {
        String unnamed = "<create-process-group totalprocs=\"1\" output=\"merged\"><process-spec exec=\"/usr/bin/id\">"
                + "<arg idx=\"1\" value=\"-un\"/></process-spec></create-process-group>";
        GroupPlanner asRoot = new GroupPlanner(false, "root");
        SssException refused = failure(() -> asRoot.plan(request(unnamed), COMPONENT));
        assertThat(refused.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(refused.getMessage()).contains("/usr/bin/id names no user", "would run as root", "allow-root");
        assertThat(failure(() -> asRoot.plan(request(unnamed), new Principal("admin", Role.ADMIN, null))).code())
                .isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(new GroupPlanner(true, "root").plan(request(unnamed), COMPONENT).sets().getFirst().runAs())
                .as("allowed: root, said explicitly").isEqualTo("root");
        assertThat(asRoot.plan(request(unnamed), ALICE).sets().getFirst().runAs()).isEqualTo("alice");
        assertThat(asRoot.plan(request(unnamed), new Principal("ops", Role.ADMIN, "ops")).sets().getFirst().runAs())
                .as("an administrator known by name runs as itself").isEqualTo("ops");
        assertThat(planner.plan(request(unnamed), COMPONENT).sets().getFirst().runAs()).isEqualTo("operator");
    }

    @Test
    void badArgumentsAndVariablesAreDataErrors() {
        assertThat(failure(() -> planner.plan(request("""
                <create-process-group totalprocs="1"><process-spec exec="a"><arg idx="1" value="x"/><arg idx="1" value="y"/>
                </process-spec></create-process-group>"""), COMPONENT)).getMessage()).contains("twice");
        assertThat(failure(() -> planner.plan(request("""
                <create-process-group totalprocs="1"><process-spec exec="a"><env name="A=B" value="x"/></process-spec>
                </create-process-group>"""), COMPONENT)).code()).isEqualTo(ErrorCode.BAD_VALUE);
    }
}
