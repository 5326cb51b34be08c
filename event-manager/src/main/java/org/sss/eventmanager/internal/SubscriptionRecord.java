package org.sss.eventmanager.internal;

import java.util.List;
import org.sss.schema.FilterType;

/**
 * A stored subscription.
 *
 * @param subscriber the subscriber's stable name
 * @param host       where to push
 * @param port       where to push
 * @param acked      the highest sequence number the subscriber acknowledged (delivery resumes after it)
 * @param filters    the patterns; none means every event
 * @param delayMillis the shortest time between two pushes (0: none)
 */
public record SubscriptionRecord(String subscriber, String host, int port, long acked, List<FilterType> filters,
                                 int delayMillis) {
    /** Copies the filters. */
    public SubscriptionRecord {
        filters = List.copyOf(filters);
    }
}
