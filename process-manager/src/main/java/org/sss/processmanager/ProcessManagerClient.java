package org.sss.processmanager;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.sss.lib.client.ComponentCalls;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.lib.error.TransportException;
import org.sss.schema.CreatepgType;
import org.sss.schema.ObjectFactory;
import org.sss.schema.PgListType;
import org.sss.schema.PgRestrictionType;
import org.sss.schema.PgType;
import org.sss.schema.ProcessGroups;
import org.sss.schema.SignalProcessGroup;
import org.sss.schema.SignalScope;
import org.sss.schema.StreamType;
import org.sss.schema.WaitProcessGroup;

/**
 * Calls the process manager (found through the service directory) for other components and tools: create a
 * group, query, signal, kill, checkpoint, delete, and wait for its end — across restarts of the process manager,
 * which keeps its groups and their ends. Thread-safe (as the component client it uses).
 */
public final class ProcessManagerClient {
    private static final ObjectFactory FACTORY = new ObjectFactory();
    private static final Duration WAIT_SLICE = Duration.ofSeconds(30);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(200);
    private final ComponentCalls components;

    /** @param components how to reach components (its key decides what the process manager lets it do) */
    public ProcessManagerClient(ComponentCalls components) {
        this.components = components;
    }

    /**
     * @param request the group to create
     * @return its pgid
     * @throws SssException the process manager's refusal or a transport failure
     */
    public String create(CreatepgType request) throws SssException {
        return components.call(ProcessManager.NAME, FACTORY.createCreateProcessGroup(request), PgRestrictionType.class)
                .getPgid();
    }

    /**
     * @param pgid a group (or a pattern with {@code *})
     * @return what the process manager knows of the matching groups
     * @throws SssException not-found, permission-denied, or a transport failure
     */
    public List<PgType> info(String pgid) throws SssException {
        return components.call(ProcessManager.NAME, FACTORY.createGetProcessGroupInfo(list(pgid)), ProcessGroups.class)
                .getProcessGroup();
    }

    /**
     * @param pgid   a group
     * @param signal a signal name or number
     * @param whole  whether each rank's whole process group gets it
     * @param rank   one rank, or null for all
     * @return the group, each process saying whether the signal reached it
     * @throws SssException invalid-state if the group does not run, or another failure
     */
    public List<PgType> signal(String pgid, String signal, boolean whole, Integer rank) throws SssException {
        SignalProcessGroup request = new SignalProcessGroup();
        request.getProcessGroup().add(restriction(pgid));
        request.setSignal(signal);
        request.setScope(whole ? SignalScope.GROUP : SignalScope.SINGLE);
        request.setRank(rank);
        return components.call(ProcessManager.NAME, request, ProcessGroups.class).getProcessGroup();
    }

    /**
     * @param pgid a group
     * @return the group as it was when killed (it ends shortly after)
     * @throws SssException not-found, permission-denied, or a transport failure
     */
    public List<PgType> kill(String pgid) throws SssException {
        return components.call(ProcessManager.NAME, FACTORY.createKillProcessGroup(list(pgid)), ProcessGroups.class)
                .getProcessGroup();
    }

    /**
     * @param pgid a group
     * @return the group, each process saying whether the checkpoint signal reached it
     * @throws SssException invalid-state if the group does not run, or another failure
     */
    public List<PgType> checkpoint(String pgid) throws SssException {
        return components.call(ProcessManager.NAME, FACTORY.createCheckpointProcessGroup(list(pgid)), ProcessGroups.class)
                .getProcessGroup();
    }

    /**
     * @param pgid an ended group
     * @return the groups deleted
     * @throws SssException invalid-state if it runs, or another failure
     */
    public List<PgType> delete(String pgid) throws SssException {
        return delete(List.of(pgid));
    }

    /**
     * Forgets ended groups, in one request.
     *
     * @param pgids ended groups
     * @return the groups deleted
     * @throws SssException not-found when one is unknown, invalid-state if one runs, or another failure
     */
    public List<PgType> delete(List<String> pgids) throws SssException {
        PgListType request = new PgListType();
        for (String pgid : pgids) {
            request.getProcessGroup().add(restriction(pgid));
        }
        return components.call(ProcessManager.NAME, FACTORY.createDelProcessGroupInfo(request), ProcessGroups.class)
                .getProcessGroup();
    }

    /**
     * Waits for a group to end and returns its end (exit codes, output), asking again when the process manager
     * answers timed-out or cannot be reached (it may be restarting) until {@code within} has passed.
     *
     * @param pgid   a group
     * @param within longest wait
     * @return the ended group
     * @throws SssException timed-out after {@code within}, or a refusal (not-found, permission-denied)
     */
    public PgType waitFor(String pgid, Duration within) throws SssException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            WaitProcessGroup request = new WaitProcessGroup();
            request.getProcessGroup().add(restriction(pgid));
            Duration slice = Duration.ofNanos(Math.max(0, Math.min(left, WAIT_SLICE.toNanos())));
            request.setTimeout(BigDecimal.valueOf(slice.toMillis(), 3));
            try {
                return components.call(ProcessManager.NAME, request, ProcessGroups.class).getProcessGroup().getFirst();
            } catch (TransportException e) {
                retryOrThrow(e, deadline);
            } catch (SssException e) {
                boolean restarting = e.code() == ErrorCode.NOT_REGISTERED;
                if (e.code() != ErrorCode.TIMED_OUT && e.code() != ErrorCode.UNAVAILABLE && !restarting) {
                    throw e;
                }
                retryOrThrow(e, deadline);
            }
        }
    }

    /**
     * The text of a group's collected output or error stream as a wait reply carries it (base64, or plain text).
     *
     * @param stream the stream, or null when the reply has none
     * @return its text (UTF-8), or null for no stream
     * @throws IllegalArgumentException if it says base64 and is not
     */
    public static String text(StreamType stream) {
        if (stream == null || stream.getValue() == null) {
            return null;
        }
        return "base64".equals(stream.getEncoding())
                ? new String(Base64.getMimeDecoder().decode(stream.getValue()), StandardCharsets.UTF_8)
                : stream.getValue();
    }

    private static void retryOrThrow(SssException e, long deadline) throws SssException {
        if (System.nanoTime() - deadline >= 0) {
            throw e;
        }
        try {
            Thread.sleep(RETRY_PAUSE);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw e;
        }
    }

    private static PgListType list(String pgid) {
        PgListType list = new PgListType();
        list.getProcessGroup().add(restriction(pgid));
        return list;
    }

    private static PgRestrictionType restriction(String pgid) {
        PgRestrictionType restriction = new PgRestrictionType();
        restriction.setPgid(pgid);
        return restriction;
    }
}
