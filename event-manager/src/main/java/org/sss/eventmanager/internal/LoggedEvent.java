package org.sss.eventmanager.internal;

import org.sss.schema.EventType;

/**
 * An event as the log holds it: the event, with its sequence number, and its {@code <event>} element with that number
 * in it (validated when it was made), which pushes and replays put into their messages as it is.
 *
 * @param event the event
 * @param xml   its element
 */
public record LoggedEvent(EventType event, String xml) {
}
