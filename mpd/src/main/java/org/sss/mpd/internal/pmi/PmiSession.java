package org.sss.mpd.internal.pmi;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one rank's PMI-1 conversation ("simple PMI", as MPICH's library speaks it; see
 * docs/PMI.md): {@code initack}, {@code init}, {@code get_maxes}, {@code get_appnum}, {@code get_my_kvsname},
 * {@code get_universe_size}, {@code put}, {@code get}, {@code barrier_in}, {@code finalize}, {@code abort}, the
 * multi-line {@code mcmd=spawn} and the name service's commands ({@link PmiNameCommands}). A line that breaks the
 * protocol gets {@code cmd=error rc=-1 msg=...} and is logged; the conversation goes on. Lines of one rank are handled in order, by one thread at a time.
 */
public final class PmiSession {
    private static final Logger LOG = LoggerFactory.getLogger(PmiSession.class);

    /** Where replies go: the rank's socket, or a relay to mpiexec for a singleton. */
    public interface Channel {
        /**
         * @param text one or more reply lines, each ending in a newline
         * @throws IOException if the rank is gone
         */
        void send(String text) throws IOException;
    }

    /** Finds the job and rank a {@code PMI_ID} stands for. */
    public interface Binder {
        /**
         * @param pmiid the id the rank was started with
         * @return its job and rank, if this mpd started it
         */
        Optional<Binding> bind(int pmiid);
    }

    /**
     * A rank's place.
     *
     * @param job  its job
     * @param rank its rank
     * @param uid  the user id it runs as: only a connection made by that user (or by root) may speak for it
     */
    public record Binding(PmiJob job, int rank, int uid) {
        /**
         * @param peerUid the user id of the process that made a connection naming this rank, if known
         * @return whether that connection may speak for the rank: made by its user or by root
         */
        boolean admits(OptionalInt peerUid) {
            return peerUid.isPresent() && (peerUid.getAsInt() == uid || peerUid.getAsInt() == 0);
        }
    }

    private final Channel channel;
    private final Binder binder;
    private final Supplier<OptionalInt> peerUid;
    private final String where;
    private Binding binding;
    private boolean refused;
    private boolean initialized;
    private volatile boolean finalized;
    private SpawnRequest spawn;

    /**
     * @param channel where replies go
     * @param binder  resolves {@code initack pmiid=}
     * @param peerUid the user id of the process that made the connection (asked once, at {@code initack}), empty
     *                when it cannot be known: then no rank is bound
     * @param where   the peer, for logs
     */
    public PmiSession(Channel channel, Binder binder, Supplier<OptionalInt> peerUid, String where) {
        this.channel = text -> {
            if (LOG.isDebugEnabled()) {
                LOG.debug("mpd: PMI {} <- {}", where, text.strip().replace("\n", " | "));
            }
            channel.send(text);
        };
        this.binder = binder;
        this.peerUid = peerUid;
        this.where = where;
    }

    /**
     * A session already bound (a singleton relayed by mpiexec: it sends no {@code initack}).
     *
     * @param channel where replies go
     * @param binding its job and rank
     * @param where   the peer, for logs
     * @return the session
     */
    public static PmiSession bound(Channel channel, Binding binding, String where) {
        PmiSession session = new PmiSession(channel, id -> Optional.empty(), OptionalInt::empty, where);
        session.binding = binding;
        binding.job().attached(binding.rank(), session);
        return session;
    }

    /** @return whether the rank has initialised PMI and not finalised it (its end would be a failure) */
    public boolean active() {
        return initialized && !finalized;
    }

    /** @return the binding, once known */
    public Binding binding() {
        return binding;
    }

    /** @return whether the connection named a rank that is not here (it is then closed) */
    public boolean refused() {
        return refused;
    }

    /**
     * Handles one line from the rank.
     *
     * @param line the line, without its newline
     * @throws IOException if the reply cannot be sent
     */
    public void line(String line) throws IOException {
        LOG.debug("mpd: PMI {} -> {}", where, line);
        try {
            if (spawn != null && spawn.inBlock()) {
                spawnLine(line);
                return;
            }
            handle(PmiCommand.parse(line));
        } catch (PmiProtocolException e) {
            LOG.warn("mpd: PMI from {}{}: {}", where, binding == null ? "" : " (job " + binding.job().jid() + " rank "
                    + binding.rank() + ")", e.getMessage());
            channel.send("cmd=error rc=-1 msg=" + e.getMessage().replaceAll("[^!-~]", "_") + "\n");
        }
    }

    private void handle(PmiCommand command) throws PmiProtocolException, IOException {
        if (command.cmd().equals("initack")) {
            if (binding != null) {
                // A connection names its rank once: rebinding would let one rank try other ranks' ids at will.
                throw new PmiProtocolException("initack again: this connection is rank " + binding.rank() + "'s");
            }
            int id = command.integer("pmiid");
            Optional<Binding> bound = binder.bind(id);
            if (bound.isEmpty()) {
                refused = true; // one wrong id ends the connection: ids are not to be guessed in a stream
                throw new PmiProtocolException("no rank with pmiid " + id + " here");
            }
            OptionalInt uid = peerUid.get();
            if (!bound.get().admits(uid)) {
                // Another user's process holding a rank's id (read from its environment, or guessed) must not act as
                // that rank: its key-value space, its fences, an abort, a spawn as its user. It is told what a wrong
                // id is told, so that it learns nothing of the id; the log says why.
                refused = true;
                LOG.warn("mpd: PMI connection from {} named job {} rank {}, which runs as uid {}, but was made by {}; refused",
                        where, bound.get().job().jid(), bound.get().rank(), bound.get().uid(),
                        uid.isPresent() ? "uid " + uid.getAsInt() : "a process whose user is unknown");
                throw new PmiProtocolException("no rank with pmiid " + id + " here");
            }
            binding = bound.get();
            binding.job().attached(binding.rank(), this);
            channel.send("cmd=initack\ncmd=set size=" + binding.job().size() + "\ncmd=set rank=" + binding.rank()
                    + "\ncmd=set debug=0\n");
            return;
        }
        if (binding == null) {
            throw new PmiProtocolException(command.cmd() + " before initack (start ranks with PMI_PORT and PMI_ID)");
        }
        PmiJob job = binding.job();
        if (PmiNameCommands.handles(command.cmd())) {
            PmiNameCommands.handle(command, job.names(binding.rank()), this::sendQuietly);
            return;
        }
        switch (command.cmd()) {
            case "init" -> {
                String version = command.fields().getOrDefault("pmi_version", "1");
                boolean supported = version.equals("1");
                initialized = supported;
                channel.send("cmd=response_to_init pmi_version=1 pmi_subversion=1 rc=" + (supported ? "0" : "-1") + "\n");
            }
            case "get_maxes" -> channel.send("cmd=maxes kvsname_max=" + PmiLimits.KVSNAME_MAX + " keylen_max="
                    + PmiLimits.KEYLEN_MAX + " vallen_max=" + PmiLimits.VALLEN_MAX + "\n");
            case "get_appnum" -> channel.send("cmd=appnum appnum=" + job.appnum(binding.rank()) + "\n");
            case "get_my_kvsname" -> channel.send("cmd=my_kvsname kvsname=" + job.kvs().kvsname() + "\n");
            case "get_universe_size" -> channel.send("cmd=universe_size size=" + job.universeSize() + "\n");
            case "put" -> {
                String key = checkedKey(command);
                if (key.isEmpty() && command.fields().getOrDefault("value", "").isEmpty()) {
                    channel.send("cmd=put_result rc=0 msg=success\n");
                    return;
                }
                if (job.kvs().put(key, command.fields().getOrDefault("value", ""))) {
                    channel.send("cmd=put_result rc=0 msg=success\n");
                } else {
                    channel.send("cmd=put_result rc=-1 msg=the_job_key-value_space_is_full\n");
                }
            }
            case "get" -> {
                String key = checkedKey(command);
                Optional<String> value = key.equals("PMI_process_mapping") ? job.processMapping() : job.kvs().get(key);
                channel.send(value.map(v -> "cmd=get_result rc=0 msg=success value=" + v + "\n")
                        .orElse("cmd=get_result rc=-1 msg=key_" + safe(key) + "_not_found value=unknown\n"));
            }
            case "barrier_in" -> job.barrierIn(binding.rank(), () -> sendQuietly("cmd=barrier_out\n"));
            case "finalize" -> {
                finalized = true;
                job.finalized(binding.rank());
                channel.send("cmd=finalize_ack\n");
            }
            case "abort" -> {
                String code = command.fields().getOrDefault("exitcode", "1");
                int exitCode;
                try {
                    exitCode = Integer.parseInt(code);
                } catch (NumberFormatException e) {
                    exitCode = 1;
                }
                finalized = true;
                job.abort(binding.rank(), exitCode);
            }
            case "mcmd:spawn" -> {
                if (spawn == null) {
                    spawn = new SpawnRequest();
                }
                spawn.open();
            }
            default -> throw new PmiProtocolException("unknown command " + PmiCommand.excerpt(command.cmd()));
        }
    }

    private static String checkedKey(PmiCommand command) throws PmiProtocolException {
        String key = command.require("key");
        if (key.length() > PmiLimits.KEYLEN_MAX) {
            throw new PmiProtocolException("key longer than " + PmiLimits.KEYLEN_MAX + " characters");
        }
        return key;
    }

    private void spawnLine(String line) throws PmiProtocolException {
        boolean complete;
        try {
            complete = spawn.line(line);
        } catch (PmiProtocolException e) {
            spawn = null;
            throw e;
        }
        if (complete) {
            SpawnRequest request = spawn;
            spawn = null;
            IntFunction<String> reply = rc -> "cmd=spawn_result rc=" + rc + "\n";
            binding.job().spawn(binding.rank(), request.commands(), rc -> sendQuietly(reply.apply(rc)));
        }
    }

    private void sendQuietly(String text) {
        try {
            channel.send(text);
        } catch (IOException e) {
            LOG.debug("mpd: PMI reply to {} lost: {}", where, e.getMessage());
        }
    }

    private static String safe(String key) {
        return key.replaceAll("[^!-~]", "_");
    }
}
