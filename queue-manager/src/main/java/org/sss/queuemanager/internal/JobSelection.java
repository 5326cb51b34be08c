package org.sss.queuemanager.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sss.lib.error.SssException;
import org.sss.lib.wire.Principal;
import org.sss.lib.xml.Restriction;
import org.sss.schema.JobRestrictionType;

/**
 * Which jobs a request's {@code <job>} restrictions name, and whether the caller may see or touch them. An id is
 * {@code *}, {@code 17}, {@code 17[3]} (an array element) or {@code 17[]} (every element); a {@code .host} suffix
 * is ignored, as PBS ids carry the server's name. Other attributes match with the SSS restriction rules. A user
 * sees and acts on their own jobs only; components and administrators on all. A restriction naming one job is
 * looked up by its id, and one asking for a state other than completed walks only the unfinished jobs, so that
 * neither costs the length of the history.
 */
final class JobSelection {
    private JobSelection() {
    }

    /**
     * Jobs for a query: the caller's (or all, when privileged) that match; none matching is an empty answer unless
     * an exact id was named.
     *
     * @param table        the jobs
     * @param restrictions the request's restrictions
     * @param principal    the caller
     * @param forAction    whether the caller wants to act on them (then another user's job is refused, not hidden)
     * @return the jobs, each once, in submission order
     * @throws SssException {@code not-found} for an exact id that names no job, {@code permission-denied} for an
     *                      action on another user's job
     */
    static List<Job> select(JobTable table, List<JobRestrictionType> restrictions, Principal principal, boolean forAction)
            throws SssException {
        Map<String, Job> chosen = new LinkedHashMap<>();
        List<Job> all = null;
        List<Job> unfinished = null;
        for (JobRestrictionType restriction : restrictions) {
            String id = restriction.getId() == null ? null : stripHost(restriction.getId());
            List<Job> candidates;
            if (names(id)) {
                candidates = table.get(id).map(List::of).orElse(List.of());
            } else if (unfinishedOnly(restriction.getState())) {
                candidates = unfinished == null ? unfinished = table.unfinished() : unfinished;
            } else {
                candidates = all == null ? all = table.all() : all;
            }
            List<Job> matched = new ArrayList<>();
            for (Job job : candidates) {
                if (idMatches(id, job) && Restriction.matches(restriction.getName(), job.spec().name())
                        && Restriction.matches(restriction.getUser(), job.spec().user())
                        && Restriction.matches(restriction.getQueue(), job.spec().queue())
                        && Restriction.matches(restriction.getState(), job.state().xmlName())) {
                    matched.add(job);
                }
            }
            boolean exact = id != null && !Restriction.ANY.equals(id);
            if (exact && matched.isEmpty()) {
                throw SssException.notFound("no job " + restriction.getId());
            }
            for (Job job : matched) {
                if (!principal.mayActFor(job.spec().user())) {
                    if (exact && forAction) {
                        throw SssException.permissionDenied(principal + " may not act on job " + job.id() + " of "
                                + job.spec().user());
                    }
                    if (exact) {
                        throw SssException.permissionDenied(principal + " may not see job " + job.id() + " of "
                                + job.spec().user());
                    }
                    continue;
                }
                chosen.putIfAbsent(job.id(), job);
            }
        }
        return List.copyOf(chosen.values());
    }

    /** Whether an id names one job ({@code 17}, {@code 17[3]}) rather than a pattern or an array's elements. */
    private static boolean names(String id) {
        return id != null && !Restriction.ANY.equals(id) && !id.endsWith("[]");
    }

    /** Whether a state restriction can only match jobs that have not completed. */
    private static boolean unfinishedOnly(String state) {
        return state != null && state.indexOf('*') < 0 && !Job.State.COMPLETED.xmlName().equals(state);
    }

    static String stripHost(String id) {
        int dot = id.indexOf('.');
        return dot < 0 ? id : id.substring(0, dot);
    }

    private static boolean idMatches(String id, Job job) {
        if (id == null || Restriction.ANY.equals(id)) {
            return true;
        }
        if (id.endsWith("[]")) {
            return job.arrayIndex() != null && String.valueOf(job.sequence()).equals(id.substring(0, id.length() - 2));
        }
        return id.equals(job.id());
    }
}
