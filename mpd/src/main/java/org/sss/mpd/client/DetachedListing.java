package org.sss.mpd.client;

import java.util.List;

/**
 * The ring's detached jobs, as {@link MpdConsole#detachedListing()} gathers them from every member, and the members
 * that did not answer: a job led by one of those may exist and be missing from the list.
 *
 * @param jobs        the jobs of the members that answered
 * @param unreachable the ids of the members that did not
 */
public record DetachedListing(List<DetachedJob> jobs, List<String> unreachable) {
    /** Copies the lists. */
    public DetachedListing {
        jobs = List.copyOf(jobs);
        unreachable = List.copyOf(unreachable);
    }
}
