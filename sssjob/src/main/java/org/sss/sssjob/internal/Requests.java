package org.sss.sssjob.internal;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** The queue manager messages the command line sends (schemas/queue-manager.xsd), written with StAX. */
public final class Requests {
    private static final XMLOutputFactory OUTPUT = XMLOutputFactory.newDefaultFactory();

    private Requests() {
    }

    /**
     * A job submission: the script, the options, the submitter's environment and where it was made; the dialect
     * ({@code pbs} for qsub's options and {@code #PBS} lines, {@code slurm} for sbatch's) and the script's arguments.
     */
    public record Submission(String scriptName, String scriptText, List<String> options, Map<String, String> environment,
                             String workdir, String host, String dialect, List<String> arguments) {
        /** Copies the collections. */
        public Submission {
            options = List.copyOf(options);
            environment = Map.copyOf(environment);
            arguments = List.copyOf(arguments);
        }

        /** A PBS submission, without arguments. */
        public Submission(String scriptName, String scriptText, List<String> options, Map<String, String> environment,
                          String workdir, String host) {
            this(scriptName, scriptText, options, environment, workdir, host, "pbs", List.of());
        }
    }

    /**
     * @param submission the job
     * @return a {@code job-submit}
     */
    public static byte[] submit(Submission submission) {
        return write(w -> {
            w.writeStartElement("job-submit");
            w.writeAttribute("workdir", submission.workdir());
            if (submission.host() != null && !submission.host().isBlank()) {
                w.writeAttribute("host", submission.host());
            }
            if (!submission.dialect().equals("pbs")) {
                w.writeAttribute("dialect", submission.dialect());
            }
            w.writeStartElement("script");
            w.writeAttribute("name", submission.scriptName());
            w.writeCharacters(xmlSafe(submission.scriptText()));
            w.writeEndElement();
            for (String option : submission.options()) {
                w.writeStartElement("option");
                w.writeCharacters(xmlSafe(option));
                w.writeEndElement();
            }
            for (Map.Entry<String, String> variable : submission.environment().entrySet()) {
                w.writeEmptyElement("env");
                w.writeAttribute("name", xmlSafe(variable.getKey()));
                w.writeAttribute("value", xmlSafe(variable.getValue()));
            }
            for (String argument : submission.arguments()) {
                w.writeStartElement("argument");
                w.writeCharacters(xmlSafe(argument));
                w.writeEndElement();
            }
            w.writeEndElement();
        });
    }

    /**
     * @param operation job-query, job-cancel, job-hold, job-release, job-requeue
     * @param ids       job ids, or {@code *}
     * @param user      a user restriction, or {@code null}
     * @return the request
     */
    public static byte[] jobs(String operation, List<String> ids, String user) {
        return write(w -> {
            w.writeStartElement(operation);
            jobRestrictions(w, ids, user);
            w.writeEndElement();
        });
    }

    /**
     * @param ids   job ids, or {@code *}
     * @param user  a user restriction, or {@code null}
     * @param after the last id of the previous page, or {@code null} for the first
     * @return a page of a {@code job-query} ({@link #PAGE} jobs at most)
     */
    public static byte[] jobQueryPage(List<String> ids, String user, String after) {
        return write(w -> {
            w.writeStartElement("job-query");
            page(w, after);
            jobRestrictions(w, ids, user);
            w.writeEndElement();
        });
    }

    /**
     * @param states the states of the jobs wanted ({@code *} ids)
     * @param user   a user restriction, or {@code null}
     * @param after  the last id of the previous page, or {@code null} for the first
     * @return a page of a {@code job-query} ({@link #PAGE} jobs at most)
     */
    public static byte[] jobQueryPageInStates(List<String> states, String user, String after) {
        return write(w -> {
            w.writeStartElement("job-query");
            page(w, after);
            stateRestrictions(w, states, user);
            w.writeEndElement();
        });
    }

    /** Jobs per page of a listing: a page of the longest jobs (paths of 4 KiB) stays well under a message's 4 MiB. */
    static final int PAGE = 200;

    private static void page(XMLStreamWriter w, String after) throws XMLStreamException {
        w.writeAttribute("limit", String.valueOf(PAGE));
        if (after != null) {
            w.writeAttribute("after", after);
        }
    }

    /**
     * @param operation job-query, job-cancel, job-hold or job-release
     * @param states    the states of the jobs wanted ({@code *} ids)
     * @param user      a user restriction, or {@code null}
     * @return the request
     */
    public static byte[] jobsInStates(String operation, List<String> states, String user) {
        return write(w -> {
            w.writeStartElement(operation);
            stateRestrictions(w, states, user);
            w.writeEndElement();
        });
    }

    private static void stateRestrictions(XMLStreamWriter w, List<String> states, String user) throws XMLStreamException {
        for (String state : states) {
            w.writeEmptyElement("job");
            w.writeAttribute("id", "*");
            if (user != null) {
                w.writeAttribute("user", user);
            }
            w.writeAttribute("state", state);
        }
    }

    /**
     * @param ids    the jobs
     * @param signal a signal name or number
     * @return a {@code job-signal}
     */
    public static byte[] signal(List<String> ids, String signal) {
        return write(w -> {
            w.writeStartElement("job-signal");
            w.writeAttribute("signal", signal);
            jobRestrictions(w, ids, null);
            w.writeEndElement();
        });
    }

    /**
     * @param ids     the jobs
     * @param options qalter options, one token each
     * @return a {@code job-modify}
     */
    public static byte[] modify(List<String> ids, List<String> options) {
        return modify(ids, options, "pbs");
    }

    /**
     * @param ids     the jobs
     * @param options the options, one token each: qalter's ({@code pbs}), or sbatch's long forms ({@code slurm})
     * @param dialect {@code pbs} or {@code slurm}
     * @return a {@code job-modify}
     */
    public static byte[] modify(List<String> ids, List<String> options, String dialect) {
        return write(w -> {
            w.writeStartElement("job-modify");
            if (!dialect.equals("pbs")) {
                w.writeAttribute("dialect", dialect);
            }
            jobRestrictions(w, ids, null);
            for (String option : options) {
                w.writeStartElement("option");
                w.writeCharacters(xmlSafe(option));
                w.writeEndElement();
            }
            w.writeEndElement();
        });
    }

    /** @return a {@code node-usage-query} */
    public static byte[] nodeUsage() {
        return write(w -> w.writeEmptyElement("node-usage-query"));
    }

    /** @return a {@code queue-query} for every queue */
    public static byte[] queues() {
        return write(w -> {
            w.writeStartElement("queue-query");
            w.writeEmptyElement("queue");
            w.writeAttribute("name", "*");
            w.writeEndElement();
        });
    }

    /**
     * @param since only jobs that ended at or after it, or null
     * @param until only jobs that ended before it, or null
     * @param limit at most this many records, the most recent
     * @return an {@code accounting-query} for the caller's own records
     */
    public static byte[] accounting(java.time.Instant since, java.time.Instant until, int limit) {
        return accounting(null, since, until, limit);
    }

    /**
     * @param job   one job's records only ({@code 17}, {@code 17[3]}, or every element of array 17: {@code 17[]}), or
     *              null for any
     * @param since the earliest end time, or null
     * @param until the end time before which the jobs ended, or null
     * @param limit the most records
     * @return an {@code accounting-query}
     */
    public static byte[] accounting(String job, java.time.Instant since, java.time.Instant until, int limit) {
        return write(w -> {
            w.writeEmptyElement("accounting-query");
            if (job != null) {
                w.writeAttribute("job", job);
            }
            if (since != null) {
                w.writeAttribute("since", since.toString());
            }
            if (until != null) {
                w.writeAttribute("until", until.toString());
            }
            w.writeAttribute("limit", Integer.toString(limit));
        });
    }

    private static void jobRestrictions(XMLStreamWriter w, List<String> ids, String user) throws XMLStreamException {
        for (String id : ids) {
            w.writeEmptyElement("job");
            w.writeAttribute("id", id);
            if (user != null) {
                w.writeAttribute("user", user);
            }
        }
    }

    /**
     * XML 1.0 cannot carry most control characters, even escaped; they are replaced by U+FFFD so that a script or
     * environment holding one still goes through (the queue manager would refuse the whole message otherwise).
     */
    static String xmlSafe(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean allowed = c >= 0x20 ? c != 0xFFFE && c != 0xFFFF : c == '\t' || c == '\n' || c == '\r';
            if (!allowed) {
                if (out == null) {
                    out = new StringBuilder(text.length()).append(text, 0, i);
                }
                out.append('\uFFFD');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    private interface Body {
        void write(XMLStreamWriter writer) throws XMLStreamException;
    }

    private static byte[] write(Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        try {
            XMLStreamWriter writer = OUTPUT.createXMLStreamWriter(bytes, "UTF-8");
            body.write(writer);
            writer.writeEndDocument();
            writer.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write a request: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }
}
