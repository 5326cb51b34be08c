package org.sss.mpd.internal;

/** What an mpd does with the messages its links receive; called on each link's reader thread. */
public interface LinkHandler {
    /**
     * @param link    where it came from
     * @param message the message
     * @throws MalformedMessageException if it breaks the protocol (the link is then dropped)
     */
    void message(Link link, MpdMessage message) throws MalformedMessageException;

    /**
     * @param link   the link that ended
     * @param reason why, for logs
     */
    void closed(Link link, String reason);
}
