package org.sss.mpd.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.mpd.internal.names.NameLines;
import org.sss.mpd.internal.names.NameTable;
import org.sss.mpd.internal.names.NameTable.Persistence;
import org.sss.mpd.internal.names.NameTable.Publisher;
import org.sss.mpd.internal.names.NameTable.Status;
import org.sss.mpd.internal.pmix.PmixHelper;
import org.sss.mpd.internal.pmix.PmixNameRequest;

/**
 * PMIx's {@code publish}, {@code lookup} and {@code unpublish}, as the helper reports a local rank's calls: each goes
 * to the ring's {@link NameService} as the user the rank runs as, and its answer back to the helper. PMIx's
 * {@code PMIX_PERSISTENCE} maps to the table's: {@code PMIX_PERSIST_INDEF} lives until unpublished,
 * {@code PMIX_PERSIST_FIRST_READ} until first found, and the others (process, application, session) and no
 * persistence as long as the publishing job (docs/PMIX.md). Thread-safe.
 */
final class PmixNames {
    private static final Logger LOG = LoggerFactory.getLogger(PmixNames.class);
    private static final int PERSIST_INDEF = 0;
    private static final int PERSIST_FIRST_READ = 1;

    private final NameService names;
    private final Supplier<String> selfId;
    private final Function<String, Job> jobs;
    private final Supplier<PmixHelper> helper;

    /**
     * @param names  the ring's name service
     * @param selfId this mpd's id
     * @param jobs   the job of a namespace served here, or null
     * @param helper the running helper, or null
     */
    PmixNames(NameService names, Supplier<String> selfId, Function<String, Job> jobs, Supplier<PmixHelper> helper) {
        this.names = names;
        this.selfId = selfId;
        this.jobs = jobs;
        this.helper = helper;
    }

    /** @param request a local rank's request, answered through the helper */
    void request(PmixNameRequest request) {
        Job job = jobs.apply(request.nspace());
        if (job == null || request.rank() < 0 || request.rank() >= job.spec.size()) {
            LOG.warn("mpd {}: pmix: {} from an unknown rank {} of {}", selfId.get(), request.op(), request.rank(),
                    request.nspace());
            answer(request, Status.INVALID, Map.of());
            return;
        }
        int rank = (int) request.rank();
        String user = NameService.userOf(job.spec, rank);
        Publisher self = new Publisher(job.jid(), rank, selfId.get());
        List<String> keys = request.lines().stream().map(List::getFirst).toList();
        switch (request.op()) {
            case "publish" -> {
                Map<String, String> values = new LinkedHashMap<>();
                for (List<String> line : request.lines()) {
                    values.put(line.getFirst(), line.size() == 2 ? line.get(1) : null);
                }
                if (values.size() != request.lines().size() || values.containsValue(null)) {
                    answer(request, Status.INVALID, Map.of());
                    return;
                }
                names.publish(user, self, persistence(request.persistence()), values,
                        (status, found) -> answer(request, status, found));
            }
            case "lookup" -> names.lookup(user, self, keys, request.waits(),
                    Math.min(request.timeout(), Long.MAX_VALUE / 2000) * 1000,
                    (status, found) -> answer(request, status, found));
            default -> names.unpublish(user, self, keys, (status, found) -> answer(request, status, found));
        }
    }

    private static Persistence persistence(int pmix) {
        return switch (pmix) {
            case PERSIST_INDEF -> Persistence.INDEFINITE;
            case PERSIST_FIRST_READ -> Persistence.FIRST_READ;
            default -> Persistence.JOB;
        };
    }

    private void answer(PmixNameRequest request, Status status, Map<String, NameTable.Entry> found) {
        PmixHelper server = helper.get();
        if (server == null) {
            return;
        }
        List<List<String>> lines = new ArrayList<>();
        found.forEach((key, e) -> lines.add(List.of(key, e.value(), PmixJobs.NSPACE_PREFIX + e.publisher().jid(),
                Long.toString(e.publisher().rank()))));
        server.namesDone(request.id(), status.wire(), NameLines.encode(lines));
    }
}
