package org.sss.web.internal;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.sss.lib.client.ComponentClient;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.ErrorReplies;
import org.sss.lib.error.SssException;
import org.sss.mpd.RingAccess;
import org.sss.mpd.client.RingMember;
import org.sss.mpd.client.OutputFile;
import org.sss.mpd.client.RingWatcher;
import org.sss.schema.Accounting;
import org.sss.schema.AccountingQuery;
import org.sss.schema.GetNodeState;
import org.sss.schema.JobListType;
import org.sss.schema.JobRestrictionType;
import org.sss.schema.JobType;
import org.sss.schema.Jobs;
import org.sss.schema.NodeStates;
import org.sss.schema.ObjectFactory;
import org.sss.schema.ReservationListType;
import org.sss.schema.Reservations;

/**
 * What the dashboard shows, asked of the suite as XML: the queue manager's jobs and accounting records, the node state
 * manager's nodes, the scheduler's reservations, a job's events and the last day's activity (through
 * {@link ActivityLog}), and the ring's members (read through one mpd, at most once a second). Replies are the suite's own messages, encoded
 * as they came, so the page reads the same XML every other client does. Thread-safe.
 */
public final class SuiteView implements AutoCloseable {
    /** Made once: looking a factory up costs more than the writing it is for. */
    private static final XMLOutputFactory OUTPUT = XMLOutputFactory.newDefaultFactory();
    /** The queue manager's name in the directory. */
    static final String QUEUE_MANAGER = "queue-manager";
    /** The scheduler's name in the directory. */
    static final String SCHEDULER = "scheduler";
    /** The node state manager's name in the directory. */
    static final String NODE_STATE_MANAGER = "node-state-manager";
    private static final long RING_CACHE_NANOS = 1_000_000_000L;
    private static final ObjectFactory FACTORY = new ObjectFactory();
    private final ComponentClient components;
    private final RingWatcher ring;
    private byte[] ringReply;
    private long ringReadAt;

    /**
     * @param components how to reach the other components
     * @param ring       how to reach the ring, or {@code null} for no ring view
     */
    public SuiteView(ComponentClient components, RingAccess ring) {
        this.components = components;
        this.ring = ring == null ? null : new RingWatcher(ring.mpds(), ring.secret());
    }

    /**
     * @return the queue manager's {@code <jobs>}: every job it holds, completed ones included
     * @throws SssException if it cannot be asked
     */
    public byte[] jobs() throws SssException {
        Jobs all = new Jobs();
        all.getJob().addAll(allJobs());
        return encode(all);
    }

    /**
     * Every job, read in pages: one reply of a busy cluster's jobs and history could be larger than a message may be.
     *
     * @return the jobs, in job-number order
     * @throws SssException if the queue manager cannot be asked
     */
    private List<JobType> allJobs() throws SssException {
        return org.sss.lib.client.JobPages.all(components, QUEUE_MANAGER, select("*"));
    }

    /**
     * @param id a job id
     * @return that job, or {@code null} when the queue manager does not know it
     * @throws SssException if it cannot be asked
     */
    public JobType job(String id) throws SssException {
        List<JobType> found = components.call(QUEUE_MANAGER, FACTORY.createJobQuery(select(id)), Jobs.class).getJob();
        return found.size() == 1 ? found.getFirst() : null;
    }

    /**
     * Cancels a job for the signed-in person: the queue manager checks their rights and records the cancel as theirs
     * ({@code on-behalf-of}), not as the dashboard's.
     *
     * @param id  a job id
     * @param who the visitor
     * @return the queue manager's reply ({@code <jobs>} with the job as cancelled)
     * @throws SssException if it refuses or cannot be asked
     */
    public byte[] cancel(String id, DashboardAccess.Visitor who) throws SssException {
        JobListType request = select(id);
        boolean admin = who.level() == DashboardAccess.Level.ADMIN;
        request.setOnBehalfOf(admin || who.user() == null ? who.name() : who.user());
        request.setOnBehalfOfRole(admin ? "admin" : "user");
        return encode(components.call(QUEUE_MANAGER, FACTORY.createJobCancel(request), Jobs.class));
    }

    /**
     * @return the scheduler's {@code <reservations>}, every one
     * @throws SssException if it cannot be asked
     */
    public byte[] reservations() throws SssException {
        ReservationListType query = new ReservationListType();
        ReservationListType.Reservation any = new ReservationListType.Reservation();
        any.setId("*");
        query.getReservation().add(any);
        return encode(components.call(SCHEDULER, FACTORY.createReservationQuery(query), Reservations.class));
    }

    /**
     * @param id a job id
     * @return the queue manager's {@code <accounting>} with the job's record (none until it completes)
     * @throws SssException if it cannot be asked
     */
    public byte[] accounting(String id) throws SssException {
        AccountingQuery query = new AccountingQuery();
        query.setJob(id);
        return encode(components.call(QUEUE_MANAGER, query, Accounting.class));
    }

    /**
     * @param log the event log's reader
     * @param id  a job id
     * @return {@code <events>}: the job's events the log still holds
     * @throws SssException if the event manager cannot be read
     */
    public byte[] jobEvents(ActivityLog log, String id) throws SssException {
        return encode(log.eventsOf(id));
    }

    /**
     * @param log the event log's reader
     * @return {@code <activity>}: the last day's busy nodes and waiting jobs
     * @throws SssException if a component cannot be asked
     */
    public byte[] activity(ActivityLog log) throws SssException {
        List<JobType> jobs = allJobs();
        GetNodeState query = new GetNodeState();
        GetNodeState.Node any = new GetNodeState.Node();
        any.setName("*");
        query.getNode().add(any);
        int nodes = components.call(NODE_STATE_MANAGER, query, NodeStates.class).getNodeState().size();
        return encode(log.activity(jobs, nodes, java.time.Instant.now()));
    }

    /**
     * @return the node state manager's {@code <node-states>}
     * @throws SssException if it cannot be asked
     */
    public byte[] nodes() throws SssException {
        GetNodeState query = new GetNodeState();
        GetNodeState.Node any = new GetNodeState.Node();
        any.setName("*");
        query.getNode().add(any);
        return encode(components.call(NODE_STATE_MANAGER, query, NodeStates.class));
    }

    /**
     * @return {@code <ring configured="true|false" problem="…"><member id host address/>…</ring>}, members in ring
     *         order
     */
    public synchronized byte[] ring() {
        long now = System.nanoTime();
        if (ringReply != null && now - ringReadAt < RING_CACHE_NANOS) {
            return ringReply;
        }
        RingWatcher.Reading reading = ring == null ? null : ring.read();
        ringReply = ringXml(reading);
        ringReadAt = now;
        return ringReply;
    }

    /**
     * @param job    a job
     * @param error  its standard error rather than its output
     * @param offset where to start
     * @return a piece of its output, read where the job wrote it (see {@link JobOutput})
     */
    public OutputFile.Chunk output(JobType job, boolean error, long offset) {
        return JobOutput.read(ring, job, error, offset);
    }

    /**
     * @param failure why the suite could not answer
     * @return the {@code <error>} reply for it
     */
    public byte[] error(SssException failure) {
        return errorXml(failure.code(), failure.getMessage());
    }

    /**
     * @param code    the error's code
     * @param message one line
     * @return an {@code <error>} reply
     */
    public byte[] errorXml(ErrorCode code, String message) {
        try {
            return components.wire().codec().encode(ErrorReplies.of(code, message));
        } catch (SssException e) {
            throw new IllegalStateException("an error reply cannot be encoded", e);
        }
    }

    private byte[] encode(Object message) throws SssException {
        return components.wire().codec().encode(message);
    }

    private static JobListType select(String id) {
        JobListType list = new JobListType();
        JobRestrictionType restriction = new JobRestrictionType();
        restriction.setId(id);
        list.getJob().add(restriction);
        return list;
    }

    private static byte[] ringXml(RingWatcher.Reading reading) {
        StringWriter text = new StringWriter();
        try {
            XMLStreamWriter xml = OUTPUT.createXMLStreamWriter(text);
            xml.writeStartElement("ring");
            xml.writeAttribute("configured", Boolean.toString(reading != null));
            if (reading != null && reading.members() == null) {
                xml.writeAttribute("problem", reading.problem());
            }
            if (reading != null && reading.members() != null) {
                for (RingMember member : reading.members()) {
                    xml.writeEmptyElement("member");
                    xml.writeAttribute("id", member.id());
                    xml.writeAttribute("host", member.host());
                    xml.writeAttribute("address", member.endpoint().toString());
                }
            }
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("the ring cannot be written as XML", e);
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Closes the console to the ring. */
    @Override
    public synchronized void close() {
        if (ring != null) {
            ring.close();
        }
    }
}
