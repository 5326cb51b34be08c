package org.sss.lib.client;

import java.util.ArrayList;
import java.util.List;
import org.sss.lib.error.SssException;
import org.sss.schema.JobListType;
import org.sss.schema.JobType;
import org.sss.schema.Jobs;
import org.sss.schema.ObjectFactory;

/**
 * Reads every job a {@code job-query} selects, page by page ({@code limit}, {@code after}, the reply's {@code more}):
 * one reply of a large queue or a busy history would be larger than a message may be. Stateless.
 */
public final class JobPages {
    /** Jobs per page: a page of the longest jobs (a working directory and two output paths of 4 KiB) stays well under a message's default 4 MiB. */
    public static final int PAGE = 200;
    private static final ObjectFactory FACTORY = new ObjectFactory();

    private JobPages() {
    }

    /**
     * @param components  how to reach the queue manager
     * @param queueManager its component name
     * @param query       the restrictions (its limit and after are set here, page by page)
     * @return the jobs of every page, in job-number order
     * @throws SssException if a page cannot be read
     */
    public static List<JobType> all(ComponentCalls components, String queueManager, JobListType query) throws SssException {
        List<JobType> all = new ArrayList<>();
        String after = null;
        while (true) {
            query.setLimit(PAGE);
            query.setAfter(after);
            Jobs page = components.call(queueManager, FACTORY.createJobQuery(query), Jobs.class);
            all.addAll(page.getJob());
            if (!Boolean.TRUE.equals(page.isMore()) || page.getJob().isEmpty()) {
                return all;
            }
            after = page.getJob().getLast().getId();
        }
    }
}
