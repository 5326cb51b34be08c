package org.sss.eventmanager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.runtime.Subscriptions;
import org.sss.schema.EventType;
import org.sss.schema.FilterType;

class EventLogTest {
    @TempDir
    Path dir;

    private static EventType event(String component, String msg, String data) {
        EventType event = new EventType();
        event.setComponent(component);
        event.setMsg(msg);
        event.setData(data);
        return event;
    }

    @Test
    void appendAssignsIncreasingSequenceNumbersAndReadReturnsThemInOrder() throws Exception {
        try (EventLog log = EventLog.open(dir.resolve("em.db"))) {
            assertThat(log.head()).isZero();
            assertThat(log.append(List.of(event("qm", "job-submitted", "1"), event("qm", "job-started", "1")))).isEqualTo(2);
            assertThat(log.append(List.of(event("sd", "component-up", "qm")))).isEqualTo(3);
            EventLog.Page page = log.read(0, 10, List.of());
            assertThat(page.typed()).extracting(EventType::getSeq).containsExactly(1L, 2L, 3L);
            assertThat(page.typed().getFirst().getTime()).isNotNull();
            assertThat(page.more()).isFalse();
            assertThat(log.read(1, 10, List.of()).typed()).extracting(EventType::getMsg)
                    .containsExactly("job-started", "component-up");
        }
    }

    @Test
    void filtersWithWildcardsSelectAndTheScanPositionAdvancesPastNonMatches() throws Exception {
        try (EventLog log = EventLog.open(dir.resolve("em.db"))) {
            List<EventType> batch = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                batch.add(event(i % 3 == 0 ? "queue-manager" : "mpd", i % 2 == 0 ? "job-started" : "node-down", "n" + i));
            }
            log.append(batch);
            List<FilterType> jobsOfTheQueueManager = List.of(Subscriptions.filter("queue-*", "job-*", null));
            EventLog.Page page = log.read(0, 100, jobsOfTheQueueManager);
            assertThat(page.typed()).hasSize(100).allSatisfy(e -> {
                assertThat(e.getComponent()).isEqualTo("queue-manager");
                assertThat(e.getMsg()).isEqualTo("job-started");
            });
            assertThat(page.more()).isTrue();
            EventLog.Page none = log.read(0, 100, List.of(Subscriptions.filter("nobody", null, null)));
            assertThat(none.typed()).isEmpty();
            assertThat(none.scannedTo()).isEqualTo(3000);
            assertThat(none.more()).isFalse();
        }
    }

    @Test
    void aReadOfTheDiskScansABoundedStretchAndSaysWhereToGoOn() throws Exception {
        try (EventLog log = EventLog.open(dir.resolve("em.db"))) {
            List<EventType> batch = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                batch.add(event("mpd", "node-down", "n" + i));
            }
            log.append(batch);
        }
        try (EventLog log = EventLog.open(dir.resolve("em.db"))) {
            List<FilterType> nothing = List.of(Subscriptions.filter("nobody", null, null));
            EventLog.Page first = log.read(0, 10, nothing);
            assertThat(first.typed()).isEmpty();
            assertThat(first.scannedTo()).as("a filter that matches nothing scans one stretch, not the whole log")
                    .isEqualTo(1000);
            assertThat(first.more()).isTrue();
            long cursor = first.scannedTo();
            int pages = 1;
            for (EventLog.Page page = first; page.more(); pages++) {
                page = log.read(cursor, 10, nothing);
                cursor = page.scannedTo();
            }
            assertThat(cursor).isEqualTo(3000);
            assertThat(pages).isEqualTo(3);
        }
    }

    @Test
    void aTypedEventKeepsItsPayloadInMemoryAndOnDisk() throws Exception {
        org.sss.schema.JobType job = new org.sss.schema.JobType();
        job.setId("17");
        job.setUser("alice");
        job.setState(org.sss.schema.JobState.COMPLETED);
        job.setExitStatus(3);
        try (EventLog log = EventLog.open(dir.resolve("em.db"))) {
            log.append(List.of(org.sss.lib.runtime.Events.job(org.sss.schema.SuiteEvent.JOB_FINISHED, "queue-manager", job),
                    event("other", "free-text", "x=1")));
            assertThat(log.read(0, 10, List.of()).typed()).satisfiesExactly(
                    typed -> assertThat(typed.getJob().getExitStatus()).as("from memory").isEqualTo(3),
                    free -> assertThat(free.getData()).isEqualTo("x=1"));
        }
        try (EventLog reopened = EventLog.open(dir.resolve("em.db"))) {
            assertThat(reopened.read(0, 10, List.of()).typed()).satisfiesExactly(
                    typed -> {
                        assertThat(typed.getSeq()).isEqualTo(1L);
                        assertThat(typed.getJob().getId()).as("from the database").isEqualTo("17");
                        assertThat(typed.getJob().getUser()).isEqualTo("alice");
                    },
                    free -> assertThat(free.getData()).isEqualTo("x=1"));
        }
    }

    @Test
    void retentionRemovesTheOldestButSequenceNumbersAreNeverReused() throws Exception {
        try (EventLog log = EventLog.open(dir.resolve("em.db"))) {
            for (int i = 0; i < 10; i++) {
                log.append(List.of(event("c", "m", Integer.toString(i))));
            }
            log.saveSubscription(new SubscriptionRecord("lagging", "h", 1, 3, List.of(), 0));
            log.saveSubscription(new SubscriptionRecord("current", "h", 2, 10, List.of(), 0));
            EventLog.Retention first = log.applyRetention(4, Duration.ofDays(1));
            assertThat(first.removed()).isEqualTo(6);
            assertThat(first.upTo()).isEqualTo(6);
            assertThat(first.behind()).as("it had acknowledged up to 3 of the 6 removed").containsExactly("lagging");
            assertThat(log.oldest()).isEqualTo(7);
            assertThat(log.read(0, 100, List.of()).typed()).extracting(EventType::getSeq).containsExactly(7L, 8L, 9L, 10L);
            EventType old = event("c", "m", "ancient");
            old.setTime(Instant.now().minus(Duration.ofDays(3)));
            log.append(List.of(old));
            assertThat(log.applyRetention(1000, Duration.ofDays(1)).removed()).isEqualTo(1);
        }
        try (EventLog reopened = EventLog.open(dir.resolve("em.db"))) {
            assertThat(reopened.head()).isEqualTo(11);
            assertThat(reopened.append(List.of(event("c", "m", "next")))).isEqualTo(12);
        }
    }

    @Test
    void subscriptionsAndTheirPositionsSurviveReopening() throws Exception {
        try (EventLog log = EventLog.open(dir.resolve("em.db"))) {
            log.saveSubscription(new SubscriptionRecord("scheduler", "h", 9, 0,
                    List.of(Subscriptions.filter(null, "job-*", null), Subscriptions.filter("sd", null, null)), 250));
            log.saveAckedLater("scheduler", 42);
            log.saveSubscription(new SubscriptionRecord("gone", "h", 10, 0, List.of(), 0));
            assertThat(log.deleteSubscription("gone")).isTrue();
            assertThat(log.deleteSubscription("gone")).isFalse();
        }
        try (EventLog log = EventLog.open(dir.resolve("em.db"))) {
            List<SubscriptionRecord> subscriptions = log.subscriptions();
            assertThat(subscriptions).hasSize(1);
            SubscriptionRecord scheduler = subscriptions.getFirst();
            assertThat(scheduler.acked()).isEqualTo(42);
            assertThat(scheduler.filters()).hasSize(2);
            assertThat(scheduler.delayMillis()).isEqualTo(250);
            assertThat(scheduler.filters().getFirst().getMsg()).isEqualTo("job-*");
            assertThat(scheduler.filters().getLast().getComponent()).isEqualTo("sd");
        }
    }

    @Test
    void anEventMatchesWhenAnyFilterMatchesAndNoFiltersMatchAll() {
        EventType up = event("service-directory", "component-up", "qm");
        assertThat(EventFilters.matches(List.of(), up)).isTrue();
        assertThat(EventFilters.matches(List.of(Subscriptions.filter("x", null, null),
                Subscriptions.filter("*", "component-*", "q*")), up)).isTrue();
        assertThat(EventFilters.matches(List.of(Subscriptions.filter("*", "component-down", null)), up)).isFalse();
    }
}
