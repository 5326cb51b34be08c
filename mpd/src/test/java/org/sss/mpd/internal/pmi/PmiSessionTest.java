package org.sss.mpd.internal.pmi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The PMI-1 conversation of MPICH's client, replayed against a session over a fake job. */
class PmiSessionTest {
    private final FakeJob job = new FakeJob(2);

    /** The user the fake job's ranks run as. */
    private static final int USER = 1000;

    private final class Rank {
        final List<String> replies = new ArrayList<>();
        final PmiSession session;

        Rank(int rank) {
            this(rank, OptionalInt.of(USER));
        }

        /** A connection made by the user {@code peer} says (empty: unknown). */
        Rank(int rank, OptionalInt peer) {
            session = new PmiSession(text -> replies.add(text), id -> id == 40 + rank
                    ? Optional.of(new PmiSession.Binding(job, rank, USER)) : Optional.empty(), () -> peer, "test");
        }

        String say(String line) throws IOException {
            replies.clear();
            session.line(line);
            return String.join("", replies);
        }
    }

    @Test
    void mpichsStartupIsAnswered() throws IOException {
        Rank r0 = new Rank(0);
        assertThat(r0.say("cmd=initack pmiid=40")).isEqualTo("cmd=initack\ncmd=set size=2\ncmd=set rank=0\ncmd=set debug=0\n");
        assertThat(r0.say("cmd=init pmi_version=1 pmi_subversion=1"))
                .isEqualTo("cmd=response_to_init pmi_version=1 pmi_subversion=1 rc=0\n");
        assertThat(r0.session.active()).isTrue();
        assertThat(r0.say("cmd=get_maxes")).isEqualTo("cmd=maxes kvsname_max=256 keylen_max=64 vallen_max=1024\n");
        assertThat(r0.say("cmd=get_appnum")).isEqualTo("cmd=appnum appnum=0\n");
        assertThat(r0.say("cmd=get_my_kvsname")).isEqualTo("cmd=my_kvsname kvsname=kvs_test\n");
        assertThat(r0.say("cmd=get_universe_size")).isEqualTo("cmd=universe_size size=8\n");
        assertThat(r0.say("cmd=get kvsname=kvs_test key=PMI_process_mapping"))
                .isEqualTo("cmd=get_result rc=0 msg=success value=(vector,(0,1,2))\n");
        assertThat(r0.say("cmd=finalize")).isEqualTo("cmd=finalize_ack\n");
        assertThat(r0.session.active()).isFalse();
        assertThat(job.events).containsExactly("attached 0", "finalized 0");
    }

    @Test
    void aPutIsVisibleToOthersOnlyAfterTheFence() throws IOException {
        Rank r0 = new Rank(0);
        Rank r1 = new Rank(1);
        r0.say("cmd=initack pmiid=40");
        r1.say("cmd=initack pmiid=41");
        assertThat(r0.say("cmd=put kvsname=kvs_test key=card0 value=ABCD")).isEqualTo("cmd=put_result rc=0 msg=success\n");
        assertThat(r1.say("cmd=get kvsname=kvs_test key=card0")).startsWith("cmd=get_result rc=-1 msg=key_card0_not_found");
        assertThat(r0.say("cmd=barrier_in")).as("waits for rank 1").isEmpty();
        r1.replies.clear();
        r1.session.line("cmd=barrier_in");
        assertThat(r0.replies).containsExactly("cmd=barrier_out\n");
        assertThat(r1.replies).containsExactly("cmd=barrier_out\n");
        assertThat(r1.say("cmd=get kvsname=kvs_test key=card0")).isEqualTo("cmd=get_result rc=0 msg=success value=ABCD\n");
        assertThat(r1.say("cmd=get kvsname=other key=pre")).as("keys put before the job started")
                .isEqualTo("cmd=get_result rc=0 msg=success value=put\n");
    }

    @Test
    void aConnectionOfAnotherUserIsRefusedTheRankAsAWrongIdIs() throws IOException {
        Rank stranger = new Rank(0, OptionalInt.of(USER + 1));
        String reply = stranger.say("cmd=initack pmiid=40");
        assertThat(reply).as("the same answer as a wrong id's: the id's validity is not told")
                .isEqualTo(new Rank(0).say("cmd=initack pmiid=99").replace("99", "40"));
        assertThat(stranger.session.refused()).isTrue();
        assertThat(stranger.session.binding()).isNull();
        assertThat(job.events).isEmpty();
    }

    @Test
    void aConnectionWhoseUserIsUnknownIsRefused() throws IOException {
        Rank unknown = new Rank(0, OptionalInt.empty());
        assertThat(unknown.say("cmd=initack pmiid=40")).startsWith("cmd=error rc=-1 msg=no_rank_with_pmiid_40_here");
        assertThat(unknown.session.refused()).isTrue();
    }

    @Test
    void rootsConnectionAndTheRanksOwnUsersMaySpeakForIt() throws IOException {
        assertThat(new Rank(0, OptionalInt.of(0)).say("cmd=initack pmiid=40")).startsWith("cmd=initack\n");
        assertThat(new Rank(1).say("cmd=initack pmiid=41")).startsWith("cmd=initack\n");
        assertThat(job.events).containsExactly("attached 0", "attached 1");
    }

    @Test
    void aBoundConnectionCannotNameAnotherRank() throws IOException {
        Rank r0 = new Rank(0);
        r0.say("cmd=initack pmiid=40");
        assertThat(r0.say("cmd=initack pmiid=41")).startsWith("cmd=error rc=-1 msg=initack_again");
        assertThat(r0.session.binding().rank()).isZero();
        assertThat(r0.session.refused()).isFalse();
    }

    @Test
    void aRankCannotFillTheMpdWithItsJobsKeys() throws IOException {
        Rank r0 = new Rank(0);
        r0.say("cmd=initack pmiid=40");
        String value = "v".repeat(1000);
        int stored = 0;
        String reply = "";
        for (int i = 0; i < 20_000 && !reply.contains("rc=-1"); i++) {
            reply = r0.say("cmd=put kvsname=kvs_test key=k" + i + " value=" + value);
            stored += reply.contains("rc=0") ? 1 : 0;
        }
        assertThat(reply).contains("rc=-1", "space_is_full");
        assertThat((long) stored * 1000).isLessThanOrEqualTo(JobKvs.MAX_CHARS).isGreaterThan(JobKvs.MAX_CHARS / 2);
        assertThat(r0.say("cmd=put kvsname=kvs_test key=k0 value=shorter")).as("a smaller value for a key it has")
                .contains("rc=0");
    }

    @Test
    void abortIsPassedOnWithoutAReply() throws IOException {
        Rank r0 = new Rank(0);
        r0.say("cmd=initack pmiid=40");
        assertThat(r0.say("cmd=abort exitcode=7")).isEmpty();
        assertThat(job.events).contains("abort 0 7");
    }

    @Test
    void malformedAndUnknownLinesGetAnErrorAndTheSessionGoesOn() throws IOException {
        Rank r0 = new Rank(0);
        assertThat(r0.say("cmd=initack pmiid=99")).startsWith("cmd=error rc=-1 msg=no_rank_with_pmiid_99");
        assertThat(r0.session.refused()).as("the server closes such a connection").isTrue();
        assertThat(r0.say("cmd=get_maxes")).startsWith("cmd=error rc=-1").contains("before_initack");
        r0.say("cmd=initack pmiid=40");
        assertThat(r0.say("this is not pmi")).startsWith("cmd=error rc=-1");
        assertThat(r0.say("cmd=frobnicate")).isEqualTo("cmd=error rc=-1 msg=unknown_command_frobnicate\n");
        assertThat(r0.say("cmd=put kvsname=k key=" + "x".repeat(100) + " value=1")).contains("key_longer_than_64");
        assertThat(r0.say("cmd=get_appnum")).isEqualTo("cmd=appnum appnum=0\n");
    }

    @Test
    void aMultiLineSpawnRequestIsCollectedAndAnswered() throws IOException {
        Rank r0 = new Rank(0);
        r0.say("cmd=initack pmiid=40");
        String[] block = {"mcmd=spawn", "nprocs=2", "execname=/bin/child", "totspawns=1", "spawnssofar=1", "argcnt=2",
                "arg1=first arg", "arg2=x=y", "preput_num=1", "preput_key_0=PARENT_ROOT_PORT_NAME", "preput_val_0=tag#0$",
                "info_num=1", "info_key_0=wdir", "info_val_0=/tmp"};
        for (String line : block) {
            assertThat(r0.say(line)).isEmpty();
        }
        assertThat(r0.say("endcmd")).isEqualTo("cmd=spawn_result rc=0\n");
        SpawnRequest.Command command = job.spawns.getFirst().getFirst();
        assertThat(command.nprocs()).isEqualTo(2);
        assertThat(command.exec()).isEqualTo("/bin/child");
        assertThat(command.args()).containsExactly("first arg", "x=y");
        assertThat(command.preput()).containsEntry("PARENT_ROOT_PORT_NAME", "tag#0$");
        assertThat(command.info()).containsEntry("wdir", "/tmp");
    }

    @Test
    void aBrokenSpawnBlockIsRefused() throws IOException {
        Rank r0 = new Rank(0);
        r0.say("cmd=initack pmiid=40");
        r0.say("mcmd=spawn");
        r0.say("nprocs=zero");
        assertThat(r0.say("endcmd")).startsWith("cmd=error rc=-1");
        assertThat(r0.say("cmd=get_appnum")).as("back to ordinary lines").isEqualTo("cmd=appnum appnum=0\n");
    }

    @Test
    void aSpawnBlockNumberedAgainIsRefusedSoBlocksCannotPileUp() throws IOException {
        Rank r0 = new Rank(0);
        r0.say("cmd=initack pmiid=40");
        for (String line : new String[] {"mcmd=spawn", "nprocs=1", "execname=/bin/a", "totspawns=2", "spawnssofar=1"}) {
            r0.say(line);
        }
        assertThat(r0.say("endcmd")).as("the first of two").isEmpty();
        for (String line : new String[] {"mcmd=spawn", "nprocs=1", "execname=/bin/a", "totspawns=2", "spawnssofar=1"}) {
            r0.say(line);
        }
        assertThat(r0.say("endcmd")).as("block 1 again").startsWith("cmd=error rc=-1");
        assertThat(job.spawns).isEmpty();
    }
}
