package org.sss.lib.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sss.lib.client.InMemoryComponents;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.lib.server.RequestContext;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.schema.EventType;
import org.sss.schema.Events;

/** A push's new events reach a listener together, in order, each once; a refused push comes again whole. */
class SubscriptionsTest {
    private static final RequestContext EVENT_MANAGER = new RequestContext("event-manager", InMemoryComponents.CALLER,
            "memory");

    private static Events push(long... seqs) {
        Events push = new Events();
        push.setSubscriber("qm");
        for (long seq : seqs) {
            EventType event = new EventType();
            event.setComponent("process-manager");
            event.setMsg("process-group-end");
            event.setSeq(seq);
            push.getEvent().add(event);
        }
        return push;
    }

    @Test
    void aPushsNewEventsComeTogetherAndOnlyOnce() throws SssException {
        List<List<Long>> batches = new ArrayList<>();
        boolean[] refuse = {false};
        Subscriptions subscriptions = new Subscriptions(new InMemoryComponents(), "qm");
        subscriptions.subscribe("qm", List.of(), 0L, new EventListener() {
            @Override
            public void onEvent(EventType event) {
                throw new AssertionError("events come in batches here");
            }

            @Override
            public void onEvents(List<EventType> events) {
                if (refuse[0]) {
                    throw new IllegalStateException("cannot record now");
                }
                batches.add(events.stream().map(EventType::getSeq).toList());
            }
        });
        subscriptions.deliver(push(1, 2, 3), EVENT_MANAGER);
        subscriptions.deliver(push(2, 3), EVENT_MANAGER);
        refuse[0] = true;
        assertThatThrownBy(() -> subscriptions.deliver(push(3, 4, 5), EVENT_MANAGER))
                .hasMessageContaining("cannot record now");
        refuse[0] = false;
        subscriptions.deliver(push(3, 4, 5), EVENT_MANAGER);
        assertThat(batches).containsExactly(List.of(1L, 2L, 3L), List.of(4L, 5L));
    }

    @Test
    void aPushFromAnyoneButAComponentIsRefusedAndMovesNothing() throws SssException {
        List<Long> taken = new ArrayList<>();
        Subscriptions subscriptions = new Subscriptions(new InMemoryComponents(), "qm");
        subscriptions.subscribe("qm", List.of(), 0L, event -> taken.add(event.getSeq()));
        for (Principal caller : List.of(new Principal("alice", Role.USER, "alice"), new Principal("root", Role.ADMIN, null))) {
            RequestContext forged = new RequestContext("qm", caller, "unix");
            assertThatThrownBy(() -> subscriptions.deliver(push(9_000_000_000L), forged)).isInstanceOfSatisfying(
                    SssException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
        }
        subscriptions.deliver(push(1, 2), EVENT_MANAGER);
        assertThat(taken).as("the forged position did not hide the real events").containsExactly(1L, 2L);
    }

    @Test
    void aListenerOfSingleEventsGetsEachInOrder() throws SssException {
        List<Long> seen = new ArrayList<>();
        Subscriptions subscriptions = new Subscriptions(new InMemoryComponents(), "qm");
        subscriptions.subscribe("qm", List.of(), 0L, event -> seen.add(event.getSeq()));
        subscriptions.deliver(push(1, 2), EVENT_MANAGER);
        subscriptions.deliver(push(2, 3), EVENT_MANAGER);
        assertThat(seen).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aResumableSubscriptionIsRenewedFromTheLastEventTakenIn() throws SssException {
        InMemoryComponents components = new InMemoryComponents();
        List<Long> asked = new ArrayList<>();
        components.stub(EventPublisher.EVENT_MANAGER).register("subscribe", org.sss.schema.Subscribe.class,
                (request, context) -> {
                    asked.add(request.getSince());
                    org.sss.schema.SubscriptionType reply = new org.sss.schema.SubscriptionType();
                    reply.setSubscriber(request.getSubscriber());
                    reply.setHost(request.getHost());
                    reply.setPort(request.getPort());
                    reply.setAcked(0L);
                    reply.setFailures(0);
                    return new org.sss.schema.ObjectFactory().createSubscription(reply);
                });
        Subscriptions subscriptions = new Subscriptions(components, "qm");
        subscriptions.endpoint(new org.sss.lib.wire.Endpoint("qm", 7000));
        assertThat(subscriptions.subscribe("qm", List.of(), 2L, event -> { })).as("accepted").isTrue();
        subscriptions.subscribe("feed", List.of(), null, event -> { });
        subscriptions.deliver(push(3, 4), EVENT_MANAGER);
        subscriptions.renewAll();
        assertThat(asked).as("qm from 2, the feed from now; then qm from 4 (the feed's null)")
                .containsExactlyInAnyOrder(2L, null, 4L, null);
    }
}
