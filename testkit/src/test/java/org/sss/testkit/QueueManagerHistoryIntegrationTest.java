package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.client.LocalClient;
import org.sss.lib.error.RemoteErrorException;
import org.sss.lib.error.SssException;
import org.sss.lib.xml.MessageCodec;
import org.sss.lib.xml.XmlBinding;
import org.sss.queuemanager.QueueManager;
import org.sss.schema.JobSubmit;
import org.sss.schema.JobType;
import org.sss.schema.Jobs;
import org.sss.schema.ObjectFactory;
import org.sss.schema.ScriptType;

/**
 * Issue 7: completed jobs stay queryable for the configured history, then go; and the local socket answers a
 * local administrator (this test's user, root in CI, or the process's own user) without any key.
 */
class QueueManagerHistoryIntegrationTest {
    private static final ObjectFactory FACTORY = new ObjectFactory();

    @TempDir
    Path dir;

    @Test
    void aCompletedJobIsKeptForTheHistoryThenForgotten() throws Exception {
        String me = System.getProperty("user.name");
        try (SssTestSuite suite = SssTestSuite.start(TestConfig.in(dir).with(
                "<queue-manager host=\"127.0.0.1\" port=\"0\" history=\"1\" admins=\"" + me + "\"/>"));
             QueueManager qm = QueueManager.start(suite.config());
             LocalClient local = new LocalClient(new MessageCodec(XmlBinding.messages(),
                     suite.config().wire().xmlLimits()), qm.socket(), suite.config().wire())) {
            JobSubmit submit = new JobSubmit();
            ScriptType script = new ScriptType();
            script.setName("held.sh");
            script.setValue("#!/bin/sh\n#PBS -h\ntrue\n");
            submit.setScript(script);
            submit.setWorkdir(dir.toString());
            JobType job = local.call(submit, Jobs.class).getJob().getFirst();
            assertThat(job.getUser()).isEqualTo(me);
            assertThat(job.getState().value()).isEqualTo("held");

            JobType cancelled = local.call(FACTORY.createJobCancel(JobLists.byId(job.getId())), Jobs.class).getJob().getFirst();
            assertThat(cancelled.getState().value()).isEqualTo("completed");
            assertThat(query(local, job.getId())).extracting(JobType::getReason).containsExactly("cancelled by " + me);

            await("the job leaves the history").atMost(Duration.ofSeconds(15))
                    .until(() -> isGone(local, job.getId()));
            assertThatThrownBy(() -> query(local, job.getId())).isInstanceOf(RemoteErrorException.class)
                    .hasMessageContaining("no job " + job.getId());
        }
    }

    private static boolean isGone(LocalClient local, String id) throws SssException {
        try {
            query(local, id);
            return false;
        } catch (RemoteErrorException e) {
            return true;
        }
    }

    private static List<JobType> query(LocalClient local, String id) throws SssException {
        return local.call(FACTORY.createJobQuery(JobLists.byId(id)), Jobs.class).getJob();
    }
}
