package org.sss.web.internal;

import java.io.IOException;
import java.util.List;
import org.sss.lib.util.Words;
import org.sss.mpd.client.OutputFile;
import org.sss.mpd.client.RingWatcher;
import org.sss.schema.JobType;

/**
 * A job's output for the page: read by the mpd of the job's first node, where the job wrote it (there the mpd runs as
 * root, and the file is the job's user's, mode 0600, perhaps on a disk only that node has), else by the dashboard
 * itself (no ring configured, the job not started, or that mpd cannot read it while the dashboard can: a shared file
 * system). Both read with {@link OutputFile}'s checks.
 */
final class JobOutput {
    private JobOutput() {
    }

    /**
     * @param ring   the ring, or {@code null} when none is configured
     * @param job    the job
     * @param error  its standard error rather than its output
     * @param offset where to start
     * @return the bytes from the offset, up to {@value OutputFile#MAX_CHUNK}, where to go on, and why nothing was read
     */
    static OutputFile.Chunk read(RingWatcher ring, JobType job, boolean error, long offset) {
        String path = error ? job.getErrorPath() : job.getOutputPath();
        String node = firstNode(job.getAllocated());
        if (ring == null || node == null || path == null || path.isEmpty()) {
            return OutputFile.read(path, job.getUser(), offset);
        }
        OutputFile.Chunk atNode;
        try {
            atNode = ring.readOutput(node, path, job.getUser(), offset);
        } catch (IOException e) {
            atNode = new OutputFile.Chunk(new byte[0], offset, "the mpd ring cannot be asked: " + e.getMessage());
        }
        if (atNode.problem().isEmpty() || atNode.bytes().length > 0) {
            return atNode;
        }
        OutputFile.Chunk here = OutputFile.read(path, job.getUser(), offset);
        return here.problem().isEmpty() ? here : atNode;
    }

    /**
     * @param chunk what was read
     * @param admin whether the visitor is an administrator
     * @return the problem to show: an administrator's in full; none to a user, for whom a file refused (another's,
     *         a link) must look as one not written yet, or the dashboard would tell a user which paths exist and whose
     *         they are
     */
    static String problemFor(OutputFile.Chunk chunk, boolean admin) {
        return admin ? chunk.problem() : "";
    }

    private static String firstNode(String allocated) {
        List<String> nodes = Words.list(allocated);
        return nodes.isEmpty() ? null : nodes.getFirst();
    }
}
