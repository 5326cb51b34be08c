package org.sss.mpd.internal.pmix;

import java.util.List;
import org.sss.mpd.internal.MalformedMessageException;
import org.sss.mpd.internal.MpdMessage;
import org.sss.mpd.internal.names.NameLines;

/**
 * A local rank's {@code PMIx_Publish}, {@code PMIx_Lookup} or {@code PMIx_Unpublish}, as {@code sss-pmix} reports
 * it (docs/PMIX.md, "The helper's wire"); {@link PmixHelper#namesDone} answers it. Immutable.
 *
 * @param op          {@code publish}, {@code lookup} or {@code unpublish}
 * @param id          the request, to answer
 * @param nspace      the rank's namespace
 * @param rank        the rank
 * @param persistence to publish: PMIx's {@code PMIX_PERSISTENCE} value, or -1 if not given
 * @param waits       to look up: whether to wait until every key is published ({@code PMIX_WAIT})
 * @param timeout     with wait: seconds at most ({@code PMIX_TIMEOUT}), 0 for ever
 * @param lines       to publish {@code KEY VALUE} lines, else {@code KEY} lines (none to unpublish: every key)
 */
public record PmixNameRequest(String op, long id, String nspace, long rank, int persistence, boolean waits, long timeout,
                              List<List<String>> lines) {
    /** Copies the lines. */
    public PmixNameRequest {
        lines = List.copyOf(lines);
    }

    /**
     * @param m the helper's message
     * @return the request
     * @throws MalformedMessageException if a field is missing or the body is bad
     */
    static PmixNameRequest parse(MpdMessage m) throws MalformedMessageException {
        try {
            return new PmixNameRequest(m.cmd(), m.number("id"), m.require("nspace"), m.number("rank"),
                    (int) m.number("persist", -1), m.number("wait", 0) != 0, m.number("timeout", 0),
                    NameLines.decode(m.body(), Integer.MAX_VALUE));
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("a bad " + m.cmd() + ": " + e.getMessage());
        }
    }
}
