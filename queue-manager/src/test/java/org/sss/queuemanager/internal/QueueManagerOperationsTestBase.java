package org.sss.queuemanager.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.client.InMemoryComponents;
import org.sss.lib.config.ClusterNodes;
import org.sss.lib.error.SssException;
import org.sss.lib.runtime.Subscriptions;
import org.sss.lib.server.MessageDispatcher;
import org.sss.lib.server.RequestContext;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.lib.xml.MessageCodec;
import org.sss.queuemanager.QueueManagerSettings;
import org.sss.schema.CreatepgType;
import org.sss.schema.EventType;
import org.sss.schema.Events;
import org.sss.schema.GetNodeState;
import org.sss.schema.NodeState;
import org.sss.schema.NodeStateType;
import org.sss.schema.NodeStates;
import org.sss.schema.ObjectFactory;
import org.sss.schema.PgListType;
import org.sss.schema.PgRestrictionType;
import org.sss.schema.PgType;
import org.sss.schema.ProcessGroups;
import org.sss.schema.SignalProcessGroup;

/**
 * What the queue manager's handler tests share: its dispatcher wired as {@link org.sss.queuemanager.QueueManager}
 * wires it (job and accounting operations, the subscription's pushes), over a store in a temporary directory, with
 * the process manager, the node state manager and the event manager as stubs reached in memory.
 */
abstract class QueueManagerOperationsTestBase {
    /** Who started jobs run as: the spool is handed to the job's user when the tests run as root. */
    protected static final String OWN = System.getProperty("user.name");
    protected static final RequestContext SCHEDULER = context(new Principal("scheduler", Role.COMPONENT, null));
    protected static final RequestContext ADMIN = context(new Principal("admin", Role.ADMIN, null));
    protected static final RequestContext ALICE = context(new Principal("alice", Role.USER, "alice"));
    protected static final RequestContext BOB = context(new Principal("bob", Role.USER, "bob"));
    protected static final ObjectFactory FACTORY = new ObjectFactory();

    @TempDir
    protected Path dir;
    protected final InMemoryComponents components = new InMemoryComponents();
    protected final List<EventType> events = components.recordEvents();
    protected final List<CreatepgType> created = new CopyOnWriteArrayList<>();
    /** The signal-process-group requests the process manager got, in order. */
    protected final List<SignalProcessGroup> signalled = new CopyOnWriteArrayList<>();
    /** Runs inside each create-process-group before it answers: a test's way to order a race. */
    protected volatile Runnable whileCreating = () -> { };
    /** What the process manager refuses the next create-process-group with, once (none: it creates). */
    protected final AtomicReference<SssException> refuseCreate = new AtomicReference<>();
    /** What the process manager refuses the next del-process-group-info with, once (none: it deletes). */
    protected final AtomicReference<SssException> refuseDelete = new AtomicReference<>();
    /** What the process manager refuses the next kill-process-group with, once (none: it kills). */
    protected final AtomicReference<SssException> refuseKill = new AtomicReference<>();
    protected MessageDispatcher dispatcher;
    protected JobService service;
    private QueueManagerSettings settings;

    protected static RequestContext context(Principal principal) {
        return new RequestContext("queue-manager", principal, "memory");
    }

    @BeforeEach
    void start() throws IOException {
        components.stub("node-state-manager").register("get-node-state", GetNodeState.class, (request, context) -> {
            NodeStates reply = new NodeStates();
            for (String name : List.of("node1", "node2")) {
                NodeStateType node = new NodeStateType();
                node.setName(name);
                node.setState(NodeState.UP);
                node.setFeatures(name.equals("node2") ? "gpu" : null);
                node.setGpus(name.equals("node2") ? 2 : null);
                reply.getNodeState().add(node);
            }
            return reply;
        });
        MessageDispatcher processManager = components.stub("process-manager");
        processManager.register("create-process-group", CreatepgType.class, (request, context) -> {
            whileCreating.run();
            refuseOnce(refuseCreate);
            created.add(request);
            PgRestrictionType reply = new PgRestrictionType();
            reply.setPgid(request.getPgid());
            return FACTORY.createProcessGroup(reply);
        });
        processManager.register("kill-process-group", PgListType.class, (request, context) -> {
            refuseOnce(refuseKill);
            return groups(request);
        });
        processManager.register("signal-process-group", SignalProcessGroup.class, (request, context) -> {
            signalled.add(request);
            return groups(request);
        });
        processManager.register("del-process-group-info", PgListType.class, (request, context) -> {
            refuseOnce(refuseDelete);
            return groups(request);
        });
        settings = new QueueManagerSettings(null, dir.resolve("qm.db"), dir.resolve("spool"),
                dir.resolve("qm.sock"), Set.of(), Duration.ofHours(1), List.of(
                        new QueueManagerSettings.Queue("batch", true, 3600, 600, 0, 0, Set.of("*")),
                        new QueueManagerSettings.Queue("fast", false, 0, 0, 1, 10, Set.of("alice"))),
                List.of(new QueueManagerSettings.Qos("normal", true, 0, 0, 0, 0, Set.of("*")),
                        new QueueManagerSettings.Qos("debug", false, 100, 1800, 1, 1, Set.of("alice"))),
                List.of(new ClusterNodes.Node("node1", 4, Set.of()), new ClusterNodes.Node("node2", 4, Set.of("gpu"), 2)),
                "/usr/bin:/bin");
        startService();
    }

    /** Starts (or, after {@link #stop}, starts again) the queue manager's service over the same store. */
    protected void startService() throws IOException {
        service = JobService.start(settings, components);
        dispatcher = new MessageDispatcher(MessageCodec.messages());
        new JobOperations(service, settings).registerOn(dispatcher);
        new AccountingOperations(service.accounting()).registerOn(dispatcher);
        Subscriptions subscriptions = new Subscriptions(components, "queue-manager");
        dispatcher.register("events", Events.class, subscriptions::deliver);
        subscriptions.subscribe(JobService.SUBSCRIPTION, List.of(), service.eventCursor(), service::onEvent);
    }

    @AfterEach
    protected void stop() {
        service.close();
    }

    private static void refuseOnce(AtomicReference<SssException> refusal) throws SssException {
        SssException taken = refusal.getAndSet(null);
        if (taken != null) {
            throw taken;
        }
    }

    /** The process manager's answer to an action on groups: each named group, running. */
    private static ProcessGroups groups(PgListType request) {
        ProcessGroups reply = new ProcessGroups();
        for (PgRestrictionType restriction : request.getProcessGroup()) {
            PgType group = new PgType();
            group.setPgid(restriction.getPgid());
            reply.getProcessGroup().add(group);
        }
        return reply;
    }

    protected String send(String xml, RequestContext context) {
        return new String(dispatcher.handle(xml.getBytes(StandardCharsets.UTF_8), context), StandardCharsets.UTF_8);
    }

    /** A reply with its times (which vary) replaced by T. */
    protected String sendTimeless(String xml, RequestContext context) {
        return send(xml, context).replaceAll("(submitted|started|ended)=\"[^\"]*\"", "$1=\"T\"");
    }

    protected String submit(String user, String directives, RequestContext context) {
        return sendTimeless("<job-submit" + (user == null ? "" : " user=\"" + user + "\"") + " workdir=\"/home/w\""
                + " host=\"login1\"><script name=\"job.sh\">#!/bin/sh&#10;" + directives + "true&#10;</script></job-submit>",
                context);
    }

    protected List<String> published() {
        return events.stream().map(event -> event.getMsg() + " " + event.getJob().getId() + " "
                + event.getJob().getState().value()).toList();
    }

    /** The process manager's end event of a group, pushed to the queue manager as the event manager pushes it. */
    protected String groupEnded(long seq, String pgid, int status) {
        return groupEnded(seq, pgid, status, "");
    }

    /** As {@link #groupEnded(long, String, int)}, the group carrying more attributes (such as its usage). */
    protected String groupEnded(long seq, String pgid, int status, String attributes) {
        return send("<events subscriber=\"queue-manager\" next=\"" + seq + "\"><event component=\"process-manager\""
                + " msg=\"process-group-end\" seq=\"" + seq + "\"><process-group pgid=\"" + pgid + "\" state=\"ended\""
                + " exit-status=\"" + status + "\" launched=\"true\"" + attributes + "/></event></events>", SCHEDULER);
    }
}
