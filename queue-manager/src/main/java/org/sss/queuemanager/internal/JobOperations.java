package org.sss.queuemanager.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sss.lib.error.SssException;
import org.sss.lib.server.MessageDispatcher;
import org.sss.lib.server.RequestContext;
import org.sss.lib.util.Words;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.queuemanager.QueueManagerSettings;
import org.sss.schema.JobAnnotate;
import org.sss.schema.JobListType;
import org.sss.schema.JobModify;
import org.sss.schema.JobSignal;
import org.sss.schema.JobStart;
import org.sss.schema.JobSubmit;
import org.sss.schema.Jobs;
import org.sss.schema.QosType;
import org.sss.schema.QueueQuery;
import org.sss.schema.QueueType;
import org.sss.schema.Queues;

/**
 * The queue manager's XML operations: job-submit, job-query, job-start and job-annotate (components and
 * administrators only),
 * job-cancel, job-hold, job-release, job-requeue, job-signal, job-modify and queue-query. Each action applies to
 * every job its restrictions select; a user may name only their own jobs (another's is {@code permission-denied}).
 * Replies list the jobs as they are after the action.
 */
public final class JobOperations {
    private final JobService service;
    /** The scheduler's notes from its last pass (job-annotate), replaced whole each time. */
    private volatile Map<String, SchedulerNote> notes = Map.of();
    private final QueueManagerSettings settings;

    /**
     * @param service  the jobs
     * @param settings the queues
     */
    public JobOperations(JobService service, QueueManagerSettings settings) {
        this.service = service;
        this.settings = settings;
    }

    /** @param dispatcher where to register the operations */
    public void registerOn(MessageDispatcher dispatcher) {
        dispatcher.register("job-submit", JobSubmit.class, (request, context) -> JobReplies.of(
                service.submit(request, context.principal())));
        dispatcher.register("job-query", JobListType.class, (request, context) -> {
            List<Job> selected = JobSelection.select(service.table(), request.getJob(), actingFor(request, context.principal()), false);
            if (request.getLimit() == null) {
                return JobReplies.ofQuery(selected, service.table(), notes);
            }
            JobPage page = JobPage.of(selected, request.getAfter(), request.getLimit());
            org.sss.schema.Jobs reply = JobReplies.ofQuery(page.jobs(), service.table(), notes);
            reply.setMore(page.more() ? Boolean.TRUE : null);
            return reply;
        });
        dispatcher.register("job-annotate", JobAnnotate.class, this::annotate);
        dispatcher.register("job-start", JobStart.class, this::start);
        dispatcher.register("job-cancel", JobListType.class, (request, context) -> act(request, context,
                (job, by) -> service.cancel(job, by)));
        dispatcher.register("job-hold", JobListType.class, (request, context) -> act(request, context,
                (job, by) -> service.hold(job, true, by)));
        dispatcher.register("job-release", JobListType.class, (request, context) -> act(request, context,
                (job, by) -> service.hold(job, false, by)));
        dispatcher.register("job-requeue", JobListType.class, (request, context) -> act(request, context,
                (job, by) -> service.requeue(job, by)));
        dispatcher.register("job-signal", JobSignal.class, (request, context) -> act(request, context,
                (job, by) -> service.signal(job, request.getSignal())));
        dispatcher.register("job-modify", JobModify.class, (request, context) -> {
            List<Job> jobs = JobSelection.select(service.table(), request.getJob(), context.principal(), true);
            List<Job> after = new ArrayList<>();
            for (Job job : jobs) {
                after.add(service.modify(job, request.getOption(), "slurm".equals(request.getDialect()),
                        context.principal()));
            }
            return JobReplies.of(after);
        });
        dispatcher.register("queue-query", QueueQuery.class, this::queues);
    }

    private Object annotate(JobAnnotate request, RequestContext context) throws SssException {
        if (!context.principal().isPrivileged()) {
            throw SssException.permissionDenied(context.principal() + " may not annotate jobs; schedulers do");
        }
        Map<String, SchedulerNote> fresh = new HashMap<>();
        for (JobAnnotate.Job note : request.getJob()) {
            fresh.put(note.getId(), new SchedulerNote(note.getReason(), note.getExpectedStart(),
                    note.getExpectedNodes()));
        }
        notes = Map.copyOf(fresh);
        return new Jobs();
    }

    private Object start(JobStart request, RequestContext context) throws SssException {
        Principal principal = context.principal();
        if (!principal.isPrivileged()) {
            throw SssException.permissionDenied(principal + " may not start jobs; schedulers and administrators do");
        }
        if (request.getJob().isEmpty()) {
            if (request.getId() == null || request.getNodes() == null) {
                throw SssException.invalidRequest("job-start names a job and its nodes (id and nodes), or has <job>s");
            }
            return JobReplies.of(List.of(service.start(baseId(request.getId()), Words.list(request.getNodes()))));
        }
        if (request.getId() != null || request.getNodes() != null) {
            throw SssException.invalidRequest("job-start has either id and nodes or <job>s, not both");
        }
        Map<String, List<String>> starts = new LinkedHashMap<>();
        for (JobStart.Job job : request.getJob()) {
            if (starts.putIfAbsent(baseId(job.getId()), Words.list(job.getNodes())) != null) {
                throw SssException.invalidRequest("job " + job.getId() + " is started twice in one job-start");
            }
        }
        return JobReplies.of(service.start(starts));
    }

    private static String baseId(String id) {
        int dot = id.indexOf('.');
        return dot < 0 ? id : id.substring(0, dot);
    }

    private Object act(JobListType request, RequestContext context, Action action) throws SssException {
        if (request.getLimit() != null || request.getAfter() != null) {
            throw SssException.badValue("limit and after page a job-query; an action takes every job it names");
        }
        Principal by = actingFor(request, context.principal());
        List<Job> jobs = JobSelection.select(service.table(), request.getJob(), by, true);
        List<Job> after = new ArrayList<>();
        for (Job job : jobs) {
            after.add(action.apply(job, by));
        }
        return JobReplies.of(after);
    }

    /**
     * Whom an action is checked and recorded as: the caller, or the person a component says it acts for
     * ({@code on-behalf-of}), which only components may say.
     */
    static Principal actingFor(JobListType request, Principal caller) throws SssException {
        String person = request.getOnBehalfOf();
        if (person == null) {
            return caller;
        }
        if (caller.role() != Role.COMPONENT) {
            throw SssException.permissionDenied(caller + " may not act on behalf of " + person + "; components do");
        }
        return "admin".equals(request.getOnBehalfOfRole()) ? new Principal(person, Role.ADMIN, null)
                : new Principal(person, Role.USER, person);
    }

    private Object queues(QueueQuery request, RequestContext context) {
        Queues reply = new Queues();
        Map<String, int[]> counts = countByQueue(service.table().unfinished());
        for (QueueManagerSettings.Queue queue : settings.queues()) {
            boolean wanted = request.getQueue().stream().anyMatch(q -> org.sss.lib.xml.Restriction.matches(q.getName(), queue.name()));
            if (!wanted) {
                continue;
            }
            QueueType type = new QueueType();
            type.setName(queue.name());
            type.setDefault(queue.isDefault());
            type.setMaxWalltime(queue.maxWalltime());
            type.setDefaultWalltime(queue.defaultWalltime());
            type.setMaxNodes(queue.maxNodes());
            type.setPriority(queue.priority());
            type.setUsers(String.join(" ", queue.users().stream().sorted().toList()));
            int[] count = counts.getOrDefault(queue.name(), new int[3]);
            type.setQueued(count[QUEUED]);
            type.setHeld(count[HELD]);
            type.setRunning(count[RUNNING]);
            reply.getQueue().add(type);
        }
        for (QueueManagerSettings.Qos qos : settings.qos()) {
            QosType type = new QosType();
            type.setName(qos.name());
            type.setDefault(qos.isDefault());
            type.setPriority(qos.priority());
            type.setMaxWalltime(qos.maxWalltime());
            type.setMaxNodes(qos.maxNodes());
            type.setMaxJobsPerUser(qos.maxJobsPerUser());
            type.setUsers(String.join(" ", qos.users().stream().sorted().toList()));
            reply.getQos().add(type);
        }
        return reply;
    }

    private static final int QUEUED = 0;
    private static final int HELD = 1;
    private static final int RUNNING = 2;

    /** @return per queue, its jobs queued, held and running (or exiting), counted in one walk */
    private static Map<String, int[]> countByQueue(List<Job> jobs) {
        Map<String, int[]> counts = new HashMap<>();
        for (Job job : jobs) {
            int slot = switch (job.state()) {
                case QUEUED -> QUEUED;
                case HELD -> HELD;
                case RUNNING, EXITING -> RUNNING;
                default -> -1;
            };
            if (slot >= 0) {
                counts.computeIfAbsent(job.spec().queue(), name -> new int[3])[slot]++;
            }
        }
        return counts;
    }

    /** One action on one job. */
    @FunctionalInterface
    private interface Action {
        Job apply(Job job, Principal by) throws SssException;
    }
}
