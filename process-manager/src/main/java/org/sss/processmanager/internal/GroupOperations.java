package org.sss.processmanager.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.sss.lib.error.SssException;
import org.sss.lib.server.MessageDispatcher;
import org.sss.lib.server.RequestContext;
import org.sss.mpd.client.SignalDelivery;
import org.sss.mpd.client.UnixSignals;
import org.sss.schema.CreatepgType;
import org.sss.schema.ObjectFactory;
import org.sss.schema.PgListType;
import org.sss.schema.PgRestrictionType;
import org.sss.schema.ProcessGroups;
import org.sss.schema.SignalProcessGroup;
import org.sss.schema.SignalScope;
import org.sss.schema.WaitProcessGroup;

/**
 * The process manager's XML operations, one method each, on a {@link GroupManager}:
 * create, get-info, signal, kill, checkpoint, wait and del-info. Actions on groups that do not run are refused
 * with {@code invalid-state} when the group was named by its pgid and skipped when it was matched by a wildcard;
 * killing a group that has already ended is not an error (it is reported as it is). Stateless.
 */
public final class GroupOperations {
    private static final ObjectFactory FACTORY = new ObjectFactory();
    /** The longest a delete waits for the end of a group it names to be stored. */
    private static final Duration END_STORED_WAIT = Duration.ofSeconds(5);
    private final GroupManager manager;
    private final Duration longestWait;
    private final Duration storedWait;

    /**
     * @param manager     the groups
     * @param longestWait how long a wait-process-group without a timeout waits before answering timed-out
     */
    public GroupOperations(GroupManager manager, Duration longestWait) {
        this.manager = manager;
        this.longestWait = longestWait;
        this.storedWait = longestWait.compareTo(END_STORED_WAIT) < 0 ? longestWait : END_STORED_WAIT;
    }

    /** @param dispatcher where to register the operations */
    public void registerOn(MessageDispatcher dispatcher) {
        dispatcher.register("create-process-group", CreatepgType.class, this::create);
        dispatcher.register("get-process-group-info", PgListType.class, this::info);
        dispatcher.register("signal-process-group", SignalProcessGroup.class, this::signal);
        dispatcher.register("kill-process-group", PgListType.class, this::kill);
        dispatcher.register("checkpoint-process-group", PgListType.class, this::checkpoint);
        dispatcher.register("wait-process-group", WaitProcessGroup.class, this::await);
        dispatcher.register("del-process-group-info", PgListType.class, this::delete);
    }

    private Object create(CreatepgType request, RequestContext context) throws SssException {
        ProcessGroup group = manager.create(request, context.principal());
        PgRestrictionType reply = new PgRestrictionType();
        reply.setPgid(group.pgid());
        return FACTORY.createProcessGroup(reply);
    }

    private Object info(PgListType request, RequestContext context) throws SssException {
        return GroupReplies.of(manager.select(request.getProcessGroup(), context.principal()), GroupReplies.Detail.INFO);
    }

    private Object signal(SignalProcessGroup request, RequestContext context) throws SssException {
        int signal;
        try {
            signal = UnixSignals.parse(request.getSignal());
        } catch (IllegalArgumentException e) {
            throw SssException.badValue(e.getMessage());
        }
        boolean whole = request.getScope() != SignalScope.SINGLE;
        int rank = request.getRank() == null ? -1 : request.getRank();
        if (rank < -1) {
            throw SssException.badValue("rank " + rank + " is negative");
        }
        return signalAll(request.getProcessGroup(), context, signal, rank, whole, "signal");
    }

    private Object checkpoint(PgListType request, RequestContext context) throws SssException {
        return signalAll(request.getProcessGroup(), context, manager.checkpointSignal(), -1, false, "checkpoint");
    }

    private ProcessGroups signalAll(List<PgRestrictionType> restrictions, RequestContext context, int signal, int rank,
                                    boolean whole, String why) throws SssException {
        ProcessGroups reply = new ProcessGroups();
        for (ProcessGroup group : running(restrictions, context)) {
            SignalDelivery delivery = manager.signal(group, signal, rank, whole, why);
            reply.getProcessGroup().add(GroupReplies.signalled(group, delivery));
        }
        return reply;
    }

    /** The selected groups that run; a group named by pgid that does not run is an error. */
    private List<ProcessGroup> running(List<PgRestrictionType> restrictions, RequestContext context) throws SssException {
        List<ProcessGroup> running = new ArrayList<>();
        for (PgRestrictionType restriction : restrictions) {
            for (ProcessGroup group : manager.select(List.of(restriction), context.principal())) {
                if (group.state() == ProcessGroup.State.RUNNING) {
                    if (!running.contains(group)) {
                        running.add(group);
                    }
                } else if (GroupTable.explicit(restriction)) {
                    throw SssException.invalidState("process group " + group.pgid() + " is " + group.state().xml());
                }
            }
        }
        return running;
    }

    private Object kill(PgListType request, RequestContext context) throws SssException {
        List<ProcessGroup> selected = manager.select(request.getProcessGroup(), context.principal());
        for (ProcessGroup group : selected) {
            if (group.state() == ProcessGroup.State.STARTING) {
                // Being launched, or resolved after a restart: its kill waits for that rather than being skipped and
                // answered as done (a walltime's or a cancel's kill would be lost, the job running on).
                group.awaitSettled(GroupManager.SETTLE_WAIT);
            }
            if (group.state() == ProcessGroup.State.RUNNING) {
                manager.kill(group);
            }
        }
        return GroupReplies.of(selected, GroupReplies.Detail.BRIEF);
    }

    private Object await(WaitProcessGroup request, RequestContext context) throws SssException {
        List<ProcessGroup> selected = manager.select(request.getProcessGroup(), context.principal());
        Duration timeout = request.getTimeout() == null ? longestWait
                : Duration.ofMillis(Math.max(0, request.getTimeout().movePointRight(3).longValue()));
        manager.awaitEnd(selected, timeout);
        return GroupReplies.of(selected, GroupReplies.Detail.WAIT);
    }

    private Object delete(PgListType request, RequestContext context) throws SssException {
        Set<ProcessGroup> ended = new LinkedHashSet<>();
        for (PgRestrictionType restriction : request.getProcessGroup()) {
            for (ProcessGroup group : manager.select(List.of(restriction), context.principal())) {
                boolean explicit = GroupTable.explicit(restriction);
                if (group.state() == ProcessGroup.State.ENDED && (explicit || group.recorded().isDone())) {
                    ended.add(group);
                } else if (explicit) {
                    List<ProcessGroup> before = List.copyOf(ended);
                    awaitStored(before);
                    manager.delete(before);
                    throw SssException.invalidState("process group " + group.pgid() + " is " + group.state().xml()
                            + "; only ended groups can be deleted");
                }
            }
        }
        List<ProcessGroup> deleted = List.copyOf(ended);
        awaitStored(deleted);
        manager.delete(deleted);
        return GroupReplies.of(deleted, GroupReplies.Detail.BRIEF);
    }

    /**
     * Waits a little (at most 5 s, or the longest wait if shorter) for ended groups' ends to be stored: a group is reported
     * ended a moment before its end is on disk. A group still not stored then makes {@link GroupManager#delete} refuse
     * the request.
     */
    private void awaitStored(List<ProcessGroup> groups) {
        long deadline = System.nanoTime() + storedWait.toNanos();
        for (ProcessGroup group : groups) {
            try {
                group.recorded().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
