package org.sss.queuemanager.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Two indexes of {@link JobTable}'s jobs that dependencies look up: every job by its number (a job, or an array's
 * elements together), and the unfinished jobs by owner and name (what {@code singleton} waits on), each in
 * submission order. Not thread-safe: the table's lock guards it.
 */
final class JobIndex {
    private final Map<Long, NavigableMap<Integer, Job>> byNumber = new HashMap<>();
    private final Map<String, NavigableMap<Long, Job>> unfinishedByName = new HashMap<>();

    /**
     * @param before the job's version the table held, or null for a new job
     * @param after  its version now
     */
    void put(Job before, Job after) {
        if (before != null) {
            remove(before);
        }
        byNumber.computeIfAbsent(after.sequence(), number -> new TreeMap<>()).put(index(after), after);
        if (!after.isCompleted()) {
            unfinishedByName.computeIfAbsent(nameKey(after.spec().user(), after.spec().name()), key -> new TreeMap<>())
                    .put(order(after), after);
        }
    }

    /** @param job a job the table no longer holds (in the version it held) */
    void remove(Job job) {
        NavigableMap<Integer, Job> elements = byNumber.get(job.sequence());
        if (elements != null && elements.remove(index(job)) != null && elements.isEmpty()) {
            byNumber.remove(job.sequence());
        }
        String key = nameKey(job.spec().user(), job.spec().name());
        NavigableMap<Long, Job> named = unfinishedByName.get(key);
        if (named != null && named.remove(order(job)) != null && named.isEmpty()) {
            unfinishedByName.remove(key);
        }
    }

    /** @return the job of that number, or the array's elements, in index order */
    List<Job> numbered(long sequence) {
        NavigableMap<Integer, Job> elements = byNumber.get(sequence);
        return elements == null ? List.of() : new ArrayList<>(elements.values());
    }

    /** @return the user's unfinished jobs of that name, in submission order */
    List<Job> unfinishedNamed(String user, String name) {
        NavigableMap<Long, Job> named = unfinishedByName.get(nameKey(user, name));
        return named == null ? List.of() : new ArrayList<>(named.values());
    }

    /** @return a job's place in submission order: its number, then its array index */
    static long order(Job job) {
        return (job.sequence() << 32) + index(job) + 1L;
    }

    private static int index(Job job) {
        return job.arrayIndex() == null ? -1 : job.arrayIndex();
    }

    private static String nameKey(String user, String name) {
        return user + '\0' + name;
    }
}
