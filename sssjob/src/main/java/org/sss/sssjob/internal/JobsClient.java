package org.sss.sssjob.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The queue manager as the commands see it: one connection, opened on the first call and kept for the command's
 * life, and calls that return the reply's items or throw its error as a {@link CliException}.
 */
public final class JobsClient implements AutoCloseable {
    private final Path socket;
    private QueueManagerConnection connection;

    /** @param socket the queue manager's socket */
    public JobsClient(Path socket) {
        this.socket = socket;
    }

    /**
     * @param request a message whose reply is {@code <jobs>}
     * @return the jobs in the reply
     * @throws CliException the queue manager's refusal, or a failure to reach it
     */
    public List<Job> jobs(byte[] request) throws CliException {
        List<Job> jobs = new ArrayList<>();
        for (Map<String, String> attributes : call(request, "jobs")) {
            jobs.add(new Job(attributes));
        }
        return jobs;
    }

    /**
     * Lists jobs page by page, so that a queue of any size is listed (one reply of it all could be larger than a
     * message may be).
     *
     * @param page the request of the page after a job id ({@code null}: the first)
     * @return the jobs of every page, in job-number order
     * @throws CliException the queue manager's refusal, or a failure to reach it
     */
    public List<Job> allJobs(java.util.function.Function<String, byte[]> page) throws CliException {
        List<Job> jobs = new ArrayList<>();
        String after = null;
        while (true) {
            Reply reply = reply(page.apply(after));
            List<Map<String, String>> items = reply.itemsOf("jobs");
            items.forEach(attributes -> jobs.add(new Job(attributes)));
            if (!reply.more() || items.isEmpty()) {
                return jobs;
            }
            after = items.getLast().get("id");
        }
    }

    /**
     * @param request a message
     * @param root    its reply's element
     * @return the reply's items
     * @throws CliException the queue manager's refusal, or a failure to reach it
     */
    public List<Map<String, String>> call(byte[] request, String root) throws CliException {
        return reply(request).itemsOf(root);
    }

    /**
     * @param request a message
     * @param root    its reply's element
     * @param kind    the element name of the items wanted
     * @return the reply's items of that name
     * @throws CliException the queue manager's refusal, or a failure to reach it
     */
    public List<Map<String, String>> call(byte[] request, String root, String kind) throws CliException {
        return reply(request).itemsOf(root, kind);
    }

    /**
     * @param request a message
     * @param root    its reply's element
     * @return the reply as received
     * @throws CliException the queue manager's refusal, or a failure to reach it
     */
    public String raw(byte[] request, String root) throws CliException {
        Reply reply = reply(request);
        reply.itemsOf(root);
        return reply.text();
    }

    /**
     * @param request a message
     * @return the reply, whatever it is (an error is the caller's to read with {@link Reply#itemsOf})
     * @throws CliException a failure to reach the queue manager
     */
    public Reply reply(byte[] request) throws CliException {
        if (connection == null) {
            connection = QueueManagerConnection.open(socket);
        }
        return connection.exchange(request);
    }

    @Override
    public void close() {
        if (connection != null) {
            connection.close();
        }
    }
}
