package org.sss.mpd.client;

/**
 * A detached job some mpd of the ring leads, as {@link MpdConsole#detachedJobs()} lists it.
 *
 * @param jid     the job ({@code N@rootid})
 * @param rootId  the mpd that leads it (attach there)
 * @param running true while it runs, false once ended and not yet released
 * @param tag     its owner's label
 */
public record DetachedJob(String jid, String rootId, boolean running, String tag) {
}
