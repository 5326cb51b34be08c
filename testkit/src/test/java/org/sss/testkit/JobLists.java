package org.sss.testkit;

import org.sss.schema.JobListType;
import org.sss.schema.JobRestrictionType;

/** The job lists the tests send to the queue manager (job-query, job-cancel, job-hold, …). */
final class JobLists {
    private JobLists() {
    }

    /**
     * @param id a job id or pattern
     * @return a list of the one restriction {@code <job id="ID"/>}
     */
    static JobListType byId(String id) {
        JobListType list = new JobListType();
        JobRestrictionType restriction = new JobRestrictionType();
        restriction.setId(id);
        list.getJob().add(restriction);
        return list;
    }
}
