package org.sss.mpd.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.mpd.client.OutputFile;

/**
 * Serves {@code output-read}: a piece of a job's output file, read on the node where the job wrote it, for the
 * dashboard. The dashboard runs as a service account on another host, and a job's output is its user's, mode 0600,
 * on the job's first node; the mpd there runs as root and reads it with {@link OutputFile}'s checks (a regular file
 * owned by the job's user, no link). A request naming another node is passed to that node's mpd (within
 * {@value #FORWARD_SECONDS} s). Only consoles holding the ring's secret may ask, as for everything else they can do;
 * a job's own console may not. The answer is {@code output-data next=OFFSET [problem=WHY]} with the bytes as body; a
 * node not in the ring, or not answering, is a problem, not an error. Requests are handled on virtual threads, never on
 * the link's reader; the file itself is read on one of {@value #READERS} platform threads (a file on a hung file
 * system, or one its owner holds a lease on, blocks the thread that opens it, which would otherwise pin a virtual
 * thread's carrier), within {@value #READ_SECONDS} s; with all of them busy a read is refused.
 */
public final class OutputReads {
    /** How long a read passed to another node's mpd may take. */
    static final long FORWARD_SECONDS = 10;
    /** Threads that read files; a read that finds them all busy and {@value #QUEUED} waiting is refused. */
    static final int READERS = 4;
    /** How long a file may take to be read here: less than {@link #FORWARD_SECONDS}, so the answer is not too late. */
    static final long READ_SECONDS = 8;
    static final int QUEUED = 64;
    private static final Logger LOG = LoggerFactory.getLogger(OutputReads.class);

    /** How a request is passed to another member: its answer. */
    @FunctionalInterface
    public interface Forwarder {
        /**
         * @param member  the member to ask
         * @param request the request, without a node
         * @return its answer, or null if its link closed first
         * @throws IOException               if it cannot be reached
         * @throws MalformedMessageException if its answer cannot be read
         */
        MpdMessage ask(Member member, MpdMessage request) throws IOException, MalformedMessageException;
    }

    private final Member self;
    private final Supplier<List<Member>> members;
    private final Forwarder forwarder;
    private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
    private final ExecutorService readers = new ThreadPoolExecutor(READERS, READERS, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUED), Thread.ofPlatform().daemon().name("mpd-output-read-", 0).factory());

    /**
     * @param self      this mpd
     * @param members   the ring's members now
     * @param forwarder how another member is asked
     */
    public OutputReads(Member self, Supplier<List<Member>> members, Forwarder forwarder) {
        this.self = self;
        this.members = members;
        this.forwarder = forwarder;
    }

    /**
     * Handles {@code output-read node=NAME path=FILE owner=USER offset=N}; answers on the link when read.
     *
     * @param link    the console (or the mpd that passed it on)
     * @param message the request
     * @throws MalformedMessageException if the path, the owner or the offset is missing or bad
     */
    public void onRead(Link link, MpdMessage message) throws MalformedMessageException {
        String path = message.require("path");
        String owner = message.require("owner");
        long offset = message.number("offset", 0);
        if (offset < 0) {
            throw new MalformedMessageException("offset must be a byte count, not " + offset);
        }
        String node = message.get("node");
        requests.execute(() -> link.trySend(answer(node, path, owner, offset)));
    }

    private MpdMessage answer(String node, String path, String owner, long offset) {
        if (node == null || node.isEmpty() || node.equals(self.id()) || node.equals(self.host())) {
            OutputFile.Chunk chunk = readHere(path, owner, offset);
            return data(chunk.nextOffset(), chunk.problem()).body(chunk.bytes()).build();
        }
        Member target = Member.named(members.get(), node).orElse(null);
        if (target == null) {
            return data(offset, "node " + node + " is not in the mpd ring now").build();
        }
        MpdMessage request = MpdMessage.of("output-read").with("path", path).with("owner", owner).with("offset", offset)
                .build();
        Future<MpdMessage> asked = requests.submit(() -> forwarder.ask(target, request));
        try {
            MpdMessage reply = asked.get(FORWARD_SECONDS, TimeUnit.SECONDS);
            if (reply != null && reply.cmd().equals("output-data")) {
                return reply;
            }
            return data(offset, "the mpd of " + node + " answered " + (reply == null ? "nothing" : reply.cmd())).build();
        } catch (TimeoutException e) {
            asked.cancel(true); // interrupts the asker, which closes its socket
            return data(offset, "the mpd of " + node + " did not answer within " + FORWARD_SECONDS + " s").build();
        } catch (ExecutionException e) {
            LOG.info("mpd {}: output of {} cannot be read at {}: {}", self.id(), path, node, e.getCause().getMessage());
            return data(offset, "the mpd of " + node + " cannot be reached: " + e.getCause().getMessage()).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return data(offset, "interrupted").build();
        }
    }

    private OutputFile.Chunk readHere(String path, String owner, long offset) {
        Future<OutputFile.Chunk> read;
        try {
            read = readers.submit(() -> OutputFile.read(path, owner, offset));
        } catch (RejectedExecutionException e) {
            return new OutputFile.Chunk(new byte[0], offset, "the mpd of " + self.id() + " is busy reading other output");
        }
        try {
            return read.get(READ_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            LOG.warn("mpd {}: output {} not read within {} s (a hung file system?)", self.id(), path, READ_SECONDS);
            return new OutputFile.Chunk(new byte[0], offset, path + ": not read within " + READ_SECONDS + " s");
        } catch (ExecutionException e) {
            return new OutputFile.Chunk(new byte[0], offset, path + ": " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new OutputFile.Chunk(new byte[0], offset, "interrupted");
        }
    }

    private static MpdMessage.Builder data(long next, String problem) {
        return MpdMessage.of("output-data").with("next", next).with("problem", problem == null || problem.isEmpty()
                ? null : problem);
    }
}
