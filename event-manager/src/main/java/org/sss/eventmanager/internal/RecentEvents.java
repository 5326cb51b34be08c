package org.sss.eventmanager.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The newest events of the log kept in memory, so that pushing them to subscribers that keep up, the common case,
 * reads neither the database nor any stored XML. Holds up to a capacity; events come in after their commit, possibly
 * out of order from concurrent appends, so it answers only up to the highest sequence number below which it holds
 * every event (a read never skips an event that is committed but not yet here). A read it cannot answer whole (it
 * starts before the oldest event held) is the log's to answer from the database; one from beyond the last event
 * held in order finds nothing yet. An event not yet held in order is never evicted. Thread-safe.
 */
final class RecentEvents {
    private final int capacity;
    private final NavigableMap<Long, LoggedEvent> events = new TreeMap<>();
    private long contiguous;
    private long oldest;

    /**
     * @param capacity how many events to keep
     * @param head     the log's newest sequence number when it opened: the next event held is head + 1
     */
    RecentEvents(int capacity, long head) {
        this.capacity = capacity;
        this.contiguous = head;
        this.oldest = head + 1;
    }

    /** @param committed events just committed, their sequence numbers set */
    synchronized void add(List<LoggedEvent> committed) {
        for (LoggedEvent event : committed) {
            events.put(event.event().getSeq(), event);
        }
        while (events.containsKey(contiguous + 1)) {
            contiguous++;
        }
        while (events.size() > capacity && events.firstKey() <= contiguous) {
            Map.Entry<Long, LoggedEvent> first = events.pollFirstEntry();
            oldest = first.getKey() + 1;
        }
    }

    /**
     * Forgets every event held (retention removed some from the log): reads go to the log until new events come.
     *
     * @param head the log's newest sequence number now
     */
    synchronized void clear(long head) {
        events.clear();
        contiguous = Math.max(contiguous, head);
        oldest = contiguous + 1;
    }

    /**
     * @param since   return events with a greater sequence number
     * @param limit   at most this many
     * @param filters which events to return
     * @return the matching events up to the last held in order, with how far the scan got; or null when the events
     *         right after {@code since} are no longer (or not) held
     */
    synchronized EventLog.Page after(long since, int limit, List<org.sss.schema.FilterType> filters) {
        if (since + 1 < oldest) {
            return null;
        }
        if (since >= contiguous) {
            return new EventLog.Page(List.of(), since, false); // nothing after it is here in order (yet)
        }
        List<LoggedEvent> found = new ArrayList<>();
        long cursor = since;
        for (LoggedEvent event : events.subMap(since, false, contiguous, true).values()) {
            cursor = event.event().getSeq();
            if (EventFilters.matches(filters, event.event())) {
                found.add(event);
                if (found.size() == limit) {
                    break;
                }
            }
        }
        return new EventLog.Page(found, cursor, cursor < contiguous);
    }
}
