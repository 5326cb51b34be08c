package org.sss.lib.tool;

import java.io.PrintStream;
import java.util.List;
import org.sss.lib.client.ComponentClient;
import org.sss.lib.error.SssException;
import org.sss.schema.JobModify;
import org.sss.schema.JobRestrictionType;
import org.sss.schema.JobType;
import org.sss.schema.Jobs;

/** {@code sssadmin priority JOB N}: an administrator sets a queued job's priority (the queue manager's -p). */
final class AdminPriority {
    private AdminPriority() {
    }

    static int set(ComponentClient components, List<String> args, PrintStream out) throws SssException {
        if (args.size() != 2) {
            throw new AdminUsageException("priority takes JOB and N");
        }
        JobModify request = new JobModify();
        JobRestrictionType job = new JobRestrictionType();
        job.setId(args.get(0));
        request.getJob().add(job);
        request.getOption().addAll(List.of("-p", args.get(1)));
        for (JobType changed : components.call("queue-manager", request, Jobs.class).getJob()) {
            out.println("job " + changed.getId() + ": priority " + changed.getPriority());
        }
        return SssadminMain.OK;
    }
}
