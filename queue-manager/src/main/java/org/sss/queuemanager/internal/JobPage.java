package org.sss.queuemanager.internal;

import java.util.Comparator;
import java.util.List;

/**
 * One page of a {@code job-query}'s jobs: in job-number order (an array's elements by index, after the array's
 * number), those after a given id, at most a given number. The id need not name a job any more (it may have left the
 * history between two pages): the order is that of the numbers.
 *
 * @param jobs the page
 * @param more whether jobs follow it
 */
record JobPage(List<Job> jobs, boolean more) {
    private static final Comparator<Job> ORDER = Comparator.comparingLong(Job::sequence)
            .thenComparingInt(job -> job.arrayIndex() == null ? -1 : job.arrayIndex());

    /**
     * @param selected the jobs a query chose
     * @param after    the last id of the previous page, or null for the first
     * @param limit    the most jobs a page holds
     * @return the page
     */
    static JobPage of(List<Job> selected, String after, int limit) {
        long afterSequence = -1;
        int afterIndex = Integer.MAX_VALUE;
        if (after != null) {
            String id = JobSelection.stripHost(after);
            int bracket = id.indexOf('[');
            afterSequence = Long.parseLong(bracket < 0 ? id : id.substring(0, bracket));
            String index = bracket < 0 ? "" : id.substring(bracket + 1, id.length() - 1);
            afterIndex = bracket < 0 ? -1 : index.isEmpty() ? Integer.MAX_VALUE : Integer.parseInt(index);
        }
        long fromSequence = afterSequence;
        int fromIndex = afterIndex;
        List<Job> following = selected.stream()
                .filter(job -> job.sequence() > fromSequence || job.sequence() == fromSequence
                        && (job.arrayIndex() == null ? -1 : job.arrayIndex()) > fromIndex)
                .sorted(ORDER).toList();
        return following.size() > limit ? new JobPage(following.subList(0, limit), true) : new JobPage(following, false);
    }
}
