package org.sss.mpd.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.sss.lib.wire.Digest;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.lib.wire.SharedKey;

/**
 * Job-scoped console credentials: how a program running inside a job (a batch script calling {@code mpiexec})
 * reaches the ring without holding the ring's secret. Each rank gets {@code MPD_JOB_KEY}, the HMAC of the ring
 * secret over {@code "sss-job-console JID RUNAS"}: every mpd can compute it, no mpd needs to store or send it, and
 * it reveals nothing of the secret. An mpd accepts such a key from a console while the job has ranks on it; the
 * console is then a {@link Scope}: it may launch jobs that run as the rank's user only (never detached) and
 * signal, kill or feed the jobs it launched itself — no ring commands, nothing of other jobs.
 */
public final class JobConsoles {
    private static final String PREFIX = "job-console ";
    private final SharedKey ringSecret;
    private final Digest digest;
    private final String ownUser;

    /**
     * A job console's reach.
     *
     * @param jid   the job whose rank holds the key
     * @param runAs the user that rank runs as; empty for the mpd's own user
     */
    public record Scope(String jid, String runAs) {
    }

    /**
     * @param ringSecret the ring's secret
     * @param digest     the handshake's digest
     */
    public JobConsoles(SharedKey ringSecret, Digest digest) {
        this.ringSecret = ringSecret;
        this.digest = digest;
        this.ownUser = System.getProperty("user.name", "mpd");
    }

    /**
     * @param jid   a job
     * @param runAs the user of one of its rank sets ({@code ""}: the mpd's own)
     * @return the key its ranks get as {@code MPD_JOB_KEY}
     */
    public String keyFor(String jid, String runAs) {
        return ringSecret.answer(digest, "sss-job-console " + jid + " " + runAs);
    }

    /**
     * @param jobs the jobs with ranks on this mpd
     * @return a key per job and run-as user, for the handshake to try after the ring's secret
     */
    List<SharedKey> keysOf(Collection<JobSpec> jobs) {
        List<SharedKey> keys = new ArrayList<>();
        for (JobSpec spec : jobs) {
            Set<String> users = new LinkedHashSet<>();
            for (JobSpec.RankSet set : spec.sets()) {
                users.add(set.runAs());
            }
            for (String runAs : users) {
                String name = PREFIX + spec.jid() + " " + runAs;
                keys.add(new SharedKey(name, keyFor(spec.jid(), runAs).getBytes(StandardCharsets.US_ASCII),
                        new Principal(name, Role.USER, runAs.isEmpty() ? ownUser : runAs)));
            }
        }
        return keys;
    }

    /**
     * @param principal who answered a console's challenge
     * @return the job scope, if the answer was a job key rather than the ring's secret
     */
    public static Optional<Scope> scopeOf(Principal principal) {
        if (principal == null || !principal.name().startsWith(PREFIX)) {
            return Optional.empty();
        }
        String rest = principal.name().substring(PREFIX.length());
        int space = rest.indexOf(' ');
        return Optional.of(new Scope(rest.substring(0, space), rest.substring(space + 1)));
    }

    /**
     * Confines a launch from a job console: every rank set runs as the scope's user, the job is attached to the
     * console (it ends with it).
     *
     * @param request the launch as the console asked it
     * @param scope   the console's scope
     * @return the launch to carry out
     * @throws IllegalArgumentException if the console asked for something its scope does not allow
     */
    static JobSpec confine(JobSpec request, Scope scope) {
        if (request.supervision().detached()) {
            throw new IllegalArgumentException("a job's console may not start detached jobs");
        }
        List<JobSpec.RankSet> sets = new ArrayList<>();
        for (JobSpec.RankSet set : request.sets()) {
            if (!set.runAs().isEmpty() && !set.runAs().equals(scope.runAs())) {
                throw new IllegalArgumentException("a job's console may start ranks as " + describe(scope.runAs())
                        + " only, not as " + set.runAs());
            }
            sets.add(set.runningAs(scope.runAs()));
        }
        return new JobSpec(request.jid(), request.user(), request.wdir(), request.output(), request.env(), sets,
                request.wishes(), request.treeHosts(), request.rankHost(), request.fanout(), request.graceMillis(),
                request.preput(), request.parentJid(), JobSpec.Supervision.ATTACHED, request.pmi());
    }

    private static String describe(String runAs) {
        return runAs.isEmpty() ? "the mpd's own user" : runAs;
    }
}
