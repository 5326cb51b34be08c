package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.eventmanager.EventManagerMain;
import org.sss.lib.client.ComponentClient;
import org.sss.lib.client.DirectoryClient;
import org.sss.lib.client.SssClient;
import org.sss.lib.error.RemoteErrorException;
import org.sss.lib.error.SssException;
import org.sss.lib.runtime.Subscriptions;
import org.sss.schema.AddEvent;
import org.sss.schema.EventOk;
import org.sss.schema.EventType;
import org.sss.schema.Events;
import org.sss.schema.GetEvents;

class EventManagerIntegrationTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private static long publish(ComponentClient client, String component, String msg, String data) throws SssException {
        AddEvent request = new AddEvent();
        EventType event = new EventType();
        event.setComponent(component);
        event.setMsg(msg);
        event.setData(data);
        request.getEvent().add(event);
        return client.call("event-manager", request, EventOk.class).getSeq();
    }

    private static Events replay(ComponentClient client, long since) throws SssException {
        GetEvents request = new GetEvents();
        request.setSince(since);
        request.setLimit(1000);
        return client.call("event-manager", request, Events.class);
    }

    /** Replays only the test's own events (the directory logs component-up and -down events too). */
    private static Events replayTest(ComponentClient client, long since) throws SssException {
        GetEvents request = new GetEvents();
        request.setSince(since);
        request.setLimit(1000);
        request.getFilter().add(Subscriptions.filter("test", null, null));
        return client.call("event-manager", request, Events.class);
    }

    @Test
    void aWildcardSubscriptionReceivesExactlyTheMatchingEventsInOrder() throws Exception {
        try (SssTestSuite suite = SssTestSuite.start(TestConfig.in(dir));
             RecordingSubscriber watcher = RecordingSubscriber.start(suite.config(), "watcher", null,
                     Subscriptions.filter("queue-manager", "job-*", null))) {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                String msg = switch (i % 3) {
                    case 0 -> "job-submitted";
                    case 1 -> "node-down";
                    default -> "job-finished";
                };
                String component = i % 5 == 0 ? "scheduler" : "queue-manager";
                publish(suite.client(), component, msg, Integer.toString(i));
                if (component.equals("queue-manager") && msg.startsWith("job-")) {
                    expected.add(msg + " " + i);
                }
            }
            await().atMost(DEADLINE).until(() -> watcher.events().size() >= expected.size());
            List<EventType> received = watcher.events();
            assertThat(received).extracting(e -> e.getMsg() + " " + e.getData()).containsExactlyElementsOf(expected);
            assertThat(received).extracting(EventType::getSeq).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void theLogSurvivesKill9AndReplaysFromASequenceNumber() throws Exception {
        try (SssTestSuite suite = SssTestSuite.start(TestConfig.in(dir), false)) {
            List<Long> acknowledged = new ArrayList<>();
            try (ForkedComponent em = ForkedComponent.start("em-1", EventManagerMain.class, dir.resolve("log"),
                    "--config", suite.configFile().toString())) {
                await().atMost(DEADLINE).ignoreExceptions().until(() -> suite.client().directory().locate("event-manager") != null);
                for (int i = 1; i <= 50; i++) {
                    acknowledged.add(publish(suite.client(), "test", "tick", Integer.toString(i)));
                }
                assertThat(em.kill9()).as("killed by SIGKILL").isEqualTo(137);
            }
            try (ForkedComponent em = ForkedComponent.start("em-2", EventManagerMain.class, dir.resolve("log"),
                    "--config", suite.configFile().toString())) {
                await().atMost(DEADLINE).ignoreExceptions().until(() -> replayTest(suite.client(), 0).getEvent().size() == 50);
                Events all = replayTest(suite.client(), 0);
                assertThat(all.getEvent()).extracting(EventType::getSeq).containsExactlyElementsOf(acknowledged);
                assertThat(all.getEvent()).extracting(EventType::getData).first().isEqualTo("1");
                Events tail = replayTest(suite.client(), acknowledged.get(39));
                assertThat(tail.getEvent()).extracting(EventType::getData)
                        .containsExactly("41", "42", "43", "44", "45", "46", "47", "48", "49", "50");
                assertThat(tail.getNext()).as("continue after the last event scanned").isGreaterThanOrEqualTo(acknowledged.getLast());
                assertThat(tail.isMore()).isFalse();
                assertThat(publish(suite.client(), "test", "tick", "51")).as("numbering continues after the restart")
                        .isGreaterThan(acknowledged.getLast());
                em.stop(Duration.ofSeconds(10));
            }
        }
    }

    @Test
    void aSubscriptionResumesWhereItWasAfterTheEventManagerRestarts() throws Exception {
        try (SssTestSuite suite = SssTestSuite.start(TestConfig.in(dir), false)) {
            ForkedComponent first = ForkedComponent.start("em-1", EventManagerMain.class, dir.resolve("log"),
                    "--config", suite.configFile().toString());
            await().atMost(DEADLINE).ignoreExceptions().until(() -> suite.client().directory().locate("event-manager") != null);
            try (RecordingSubscriber watcher = RecordingSubscriber.start(suite.config(), "watcher", null,
                    Subscriptions.filter("test", null, null))) {
                await().atMost(DEADLINE).until(() -> !watcher.runtime().subscriptions().isEmpty());
                publish(suite.client(), "test", "before", "1");
                await().atMost(DEADLINE).until(() -> watcher.events().size() == 1);
                first.kill9();
                try (ForkedComponent second = ForkedComponent.start("em-2", EventManagerMain.class, dir.resolve("log"),
                        "--config", suite.configFile().toString())) {
                    await().atMost(DEADLINE).ignoreExceptions().until(() -> publish(suite.client(), "test", "after", "2") > 0);
                    await().atMost(DEADLINE).until(() -> watcher.events().size() == 2);
                    assertThat(watcher.events()).extracting(EventType::getMsg).containsExactly("before", "after");
                    second.stop(Duration.ofSeconds(10));
                }
            }
        }
    }

    @Test
    void usersMayReadEventsButNotPublishOrSubscribe() throws Exception {
        try (SssTestSuite suite = SssTestSuite.start(TestConfig.in(dir));
             SssClient aliceWire = suite.clientAs(TestKeys.ALICE)) {
            ComponentClient alice = new ComponentClient(aliceWire, new DirectoryClient(aliceWire, suite.directoryEndpoint()));
            await().atMost(DEADLINE).ignoreExceptions().until(() -> alice.directory().locate("event-manager") != null);
            assertThatThrownBy(() -> publish(alice, "queue-manager", "job-finished", "forged"))
                    .isInstanceOfSatisfying(RemoteErrorException.class,
                            e -> assertThat(e.wireCode()).isEqualTo("permission-denied"));
            publish(suite.client(), "queue-manager", "job-finished", "real");
            assertThat(replay(alice, 0).getEvent()).extracting(EventType::getData).contains("real").doesNotContain("forged");
        }
    }
}
