package org.sss.eventmanager.internal;

import java.util.List;
import org.sss.lib.xml.Restriction;
import org.sss.schema.EventType;
import org.sss.schema.FilterType;

/**
 * Matches events against subscription filters: an event matches when any filter matches it, and a filter
 * matches when each of its component, msg and data patterns does ({@link Restriction}: missing or {@code *}
 * matches anything, {@code *} inside a pattern matches any run of characters). No filters match everything.
 */
public final class EventFilters {
    private EventFilters() {
    }

    /**
     * @param filters the subscription's filters
     * @param event   an event
     * @return whether it is wanted
     */
    public static boolean matches(List<FilterType> filters, EventType event) {
        if (filters.isEmpty()) {
            return true;
        }
        for (FilterType filter : filters) {
            if (Restriction.matches(filter.getComponent(), event.getComponent())
                    && Restriction.matches(filter.getMsg(), event.getMsg())
                    && Restriction.matches(filter.getData(), event.getData())) {
                return true;
            }
        }
        return false;
    }
}
