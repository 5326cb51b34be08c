package org.sss.sssjob.internal;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code sssjob status} and {@code qstat}: asks the queue manager for jobs and prints them. Users see their own
 * jobs; root and administrators see everyone's.
 *
 * <ul>
 *   <li>{@code sssjob status [-a] [--xml] [ID…]}: a table of the jobs not yet completed ({@code -a}: with the
 *       completed ones still kept; named ids: those, in any state).</li>
 *   <li>{@code qstat [-f] [-a] [-n [-1]] [-r] [-i] [-x] [-u USER] [ID…]}: PBS's table of the jobs not yet
 *       completed ({@code -x}: with the completed ones kept, as PBS Pro), its alternate {@code -a} table (also for
 *       {@code -n}, which adds each job's nodes below its line, or on it with {@code -1}; {@code -r}: running jobs
 *       only; {@code -i}: waiting ones only), or {@code -f}'s full listing. Flags may be bundled ({@code -an1}).</li>
 * </ul>
 * Only the jobs to show are asked for: a table without {@code -a}/{@code -x} does not fetch the history.
 */
public final class StatusCommand {
    private StatusCommand() {
    }

    /** The states a job has before it completes: what a table shows unless asked for history. */
    private static final List<String> NOT_COMPLETED = List.of("queued", "held", "running", "exiting");

    /** The states qstat -r shows. */
    private static final List<String> RUNNING = List.of("running", "exiting");
    /** The states qstat -i shows. */
    private static final List<String> WAITING = List.of("queued", "held");

    /**
     * What to show.
     *
     * @param all       with the completed jobs still kept (sssjob -a, qstat -x)
     * @param alternate qstat -a's table
     * @param nodes     qstat -n: each job's nodes, below its line ({@code oneLine}: on it, qstat -1)
     * @param states    qstat -r and -i: only jobs in these states, or empty for all not completed
     */
    private record Options(boolean all, boolean alternate, boolean xml, boolean full, String user, String socket,
                           List<String> ids, boolean help, boolean nodes, boolean oneLine, List<String> states) {
    }

    /**
     * @param invocation the process
     * @param args       the arguments
     * @param pbsFace    whether this is qstat
     * @return the exit status
     * @throws CliException for bad arguments, a refusal, or an unreachable queue manager
     */
    public static int run(Invocation invocation, List<String> args, boolean pbsFace) throws CliException {
        Options options = parse(args, pbsFace);
        if (options.help()) {
            invocation.out().print(pbsFace ? Help.qstat() : Help.status());
            return ExitStatus.OK;
        }
        byte[] request;
        if (!options.ids().isEmpty()) {
            request = Requests.jobs("job-query", options.ids(), options.user());
        } else if (options.all() && options.states().isEmpty()) {
            request = Requests.jobs("job-query", List.of("*"), options.user());
        } else {
            request = Requests.jobsInStates("job-query", shown(options), options.user());
        }
        try (JobsClient client = new JobsClient(QueueManagerSocket.locate(options.socket(), invocation.environment()))) {
            if (options.xml()) {
                invocation.out().println(client.raw(request, "jobs"));
                return ExitStatus.OK;
            }
            List<Job> jobs = options.ids().isEmpty()
                    ? client.allJobs(after -> options.all() && options.states().isEmpty()
                            ? Requests.jobQueryPage(List.of("*"), options.user(), after)
                            : Requests.jobQueryPageInStates(shown(options), options.user(), after))
                    : client.jobs(request);
            Instant now = Instant.now();
            String text;
            if (options.full()) {
                text = full(jobs, now);
            } else if (pbsFace) {
                text = options.alternate() ? pbsAlternate(jobs, now, options) : pbsTable(jobs, now);
            } else {
                text = table(jobs, now);
            }
            invocation.out().print(text);
        }
        return ExitStatus.OK;
    }

    /** @return the states a listing without ids asks for: -r's and -i's, else those before completion */
    private static List<String> shown(Options options) {
        return options.states().isEmpty() ? NOT_COMPLETED : options.states();
    }

    /**
     * @return qstat's arguments with bundled flags apart ({@code -an1} is {@code -a -n -1}, {@code -au alice} is
     *         {@code -a -u alice}); a value stays whole
     */
    private static List<String> unbundled(List<String> args) {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if ((arg.equals("-u") || arg.equals("--socket")) && i + 1 < args.size()) {
                words.add(arg);
                words.add(args.get(++i));
            } else if (arg.matches("-[afxnri1]{2,}") || arg.matches("-[afxnri1]+u.*")) {
                // Flags, the last of which may be -u with its value in the rest of the word or the next word.
                int user = arg.indexOf('u');
                String flags = user < 0 ? arg.substring(1) : arg.substring(1, user);
                flags.chars().forEach(flag -> words.add("-" + (char) flag));
                if (user >= 0) {
                    words.add("-u");
                    if (user + 1 < arg.length()) {
                        words.add(arg.substring(user + 1));
                    } else if (i + 1 < args.size()) {
                        words.add(args.get(++i));
                    }
                }
            } else {
                words.add(arg);
            }
        }
        return words;
    }

    private static Options parse(List<String> given, boolean pbsFace) throws CliException {
        List<String> args = pbsFace ? unbundled(given) : given;
        boolean all = false;
        boolean alternate = false;
        boolean xml = false;
        boolean full = false;
        boolean help = false;
        boolean nodes = false;
        boolean oneLine = false;
        List<String> states = new ArrayList<>();
        String user = null;
        String socket = null;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "-n", "-1", "-r", "-i" -> {
                    if (!pbsFace) {
                        throw CliException.usage("unknown option " + arg);
                    }
                    alternate = true;
                    switch (arg) {
                        case "-n" -> nodes = true;
                        case "-1" -> oneLine = true;
                        case "-r" -> states.addAll(RUNNING);
                        default -> states.addAll(WAITING);
                    }
                }
                case "-a" -> {
                    if (pbsFace) {
                        alternate = true;
                    } else {
                        all = true;
                    }
                }
                case "-x" -> {
                    if (!pbsFace) {
                        throw CliException.usage("unknown option -x (sssjob status -a shows completed jobs)");
                    }
                    all = true;
                }
                case "--xml" -> xml = true;
                case "--help" -> help = true;
                case "-f" -> {
                    if (!pbsFace) {
                        throw CliException.usage("unknown option -f (qstat -f gives the full listing)");
                    }
                    full = true;
                }
                case "-u" -> user = Args.value(args, ++i, arg);
                case "--socket" -> socket = Args.value(args, ++i, arg);
                default -> {
                    if (arg.startsWith("-")) {
                        throw CliException.usage("unknown option " + arg);
                    }
                    ids.add(JobIds.check(arg));
                }
            }
        }
        if (oneLine && !nodes) {
            throw CliException.usage("-1 goes with -n (each job's nodes on its line)");
        }
        if (!states.isEmpty() && all) {
            throw CliException.usage("-x shows completed jobs, -r and -i only running or waiting ones: not both");
        }
        return new Options(all, alternate, xml, full, user, socket, ids, help, nodes, oneLine,
                states.stream().distinct().toList());
    }

    private static String table(List<Job> jobs, Instant now) {
        Table table = new Table(List.of("ID", "NAME", "USER", "QUEUE", "S", "NODES", "TIME", "LIMIT", "EXIT",
                "NODELIST(REASON)"), 14, 16, 12, 10, 1, 7, 10, 10, 4, 200);
        for (Job job : jobs) {
            String where = job.get("allocated").isEmpty() ? "(" + job.get("reason") + expected(job) + ")"
                    : job.get("allocated");
            if (job.completed() && !job.get("reason").isEmpty()) {
                where = job.get("allocated") + " (" + job.get("reason") + ")";
            }
            table.add(job.id(), job.get("name"), job.get("user"), job.get("queue"), String.valueOf(job.stateLetter()),
                    job.get("nodes") + "x" + job.get("ppn"), job.elapsed(now).map(d -> Job.hms(d.toSeconds())).orElse("-"),
                    limit(job), job.exitStatus().isPresent() ? String.valueOf(job.exitStatus().getAsInt()) : "",
                    where.equals("()") ? "" : where.strip());
        }
        return table.render();
    }

    /** @return ", expected to start at 14:05:00" for a queued job the scheduler has planned, else "" */
    private static String expected(Job job) {
        return job.time("expected-start").map(t -> ", expected to start at " + LocalTime.FORMAT.format(t)).orElse("");
    }

    private static String limit(Job job) {
        String walltime = job.get("walltime");
        return walltime.isEmpty() || walltime.equals("0") ? "none" : Job.hms(Long.parseLong(walltime));
    }

    private static String pbsTable(List<Job> jobs, Instant now) {
        StringBuilder out = new StringBuilder();
        if (jobs.isEmpty()) {
            return "";
        }
        out.append(String.format("%-25s %-16s %-15s %-8s %s %s%n", "Job ID", "Name", "User", "Time Use", "S", "Queue"));
        out.append(String.format("%-25s %-16s %-15s %-8s %s %s%n", "-".repeat(25), "-".repeat(16), "-".repeat(15),
                "-".repeat(8), "-", "-----"));
        for (Job job : jobs) {
            out.append(String.format("%-25s %-16s %-15s %8s %s %s%n", cut(pbsId(job), 25), cut(job.get("name"), 16),
                    cut(job.get("user"), 15), job.elapsed(now).map(d -> Job.hms(d.toSeconds())).orElse("0"),
                    job.stateLetter(), job.get("queue")));
        }
        return out.toString();
    }

    private static String pbsAlternate(List<Job> jobs, Instant now, Options options) {
        if (jobs.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        String format = "%-23s %-11s %-8s %-16s %6s %5s %6s %9s %9s %s %9s%n";
        out.append(String.format("%-23s %-11s %-8s %-16s %6s %5s %6s %9s %9s %s %9s%n", "", "", "", "", "", "", "",
                "Req'd", "Req'd", " ", "Elap"));
        out.append(String.format(format, "Job ID", "Username", "Queue", "Jobname", "SessID", "NDS", "TSK", "Memory",
                "Time", "S", "Time"));
        out.append(String.format(format, "-".repeat(23), "-".repeat(11), "-".repeat(8), "-".repeat(16), "-".repeat(6),
                "-".repeat(5), "-".repeat(6), "-".repeat(9), "-".repeat(9), "-", "-".repeat(9)));
        for (Job job : jobs) {
            int nodes = parseInt(job.get("nodes"));
            int tasks = nodes * parseInt(job.get("ppn"));
            out.append(String.format(format, cut(pbsId(job), 23), cut(job.get("user"), 11), cut(job.get("queue"), 8),
                    cut(job.get("name"), 16), "--", nodes, tasks, "--", limit(job).equals("none") ? "--" : limit(job),
                    job.stateLetter(), job.elapsed(now).map(d -> Job.hms(d.toSeconds())).orElse("--")));
            if (options.nodes()) {
                String where = job.get("allocated").isBlank() ? "--" : execHost(job);
                if (options.oneLine()) {
                    out.setLength(out.length() - System.lineSeparator().length());
                    out.append("   ").append(where).append(System.lineSeparator());
                } else {
                    out.append("   ").append(where).append(System.lineSeparator());
                }
            }
        }
        return out.toString();
    }

    /** PBS's way of showing a size: whole kilobytes, {@code 102400kb}; empty for none. */
    private static String kilobytes(String bytes) {
        return bytes.isEmpty() ? "" : (Long.parseLong(bytes) + 1023) / 1024 + "kb";
    }

    private static String full(List<Job> jobs, Instant now) {
        StringBuilder out = new StringBuilder();
        for (Job job : jobs) {
            out.append("Job Id: ").append(pbsId(job)).append('\n');
            attribute(out, "Job_Name", job.get("name"));
            attribute(out, "Job_Owner", job.get("user") + "@" + job.get("submit-host"));
            job.elapsed(now).ifPresent(d -> attribute(out, "resources_used.walltime", Job.hms(d.toSeconds())));
            if (!job.get("cpu-time").isEmpty()) {
                attribute(out, "resources_used.cput", Job.hms(Math.round(Double.parseDouble(job.get("cpu-time")))));
            }
            attribute(out, "resources_used.mem", kilobytes(job.get("max-memory")));
            attribute(out, "job_state", String.valueOf(job.stateLetter()));
            attribute(out, "queue", job.get("queue"));
            attribute(out, "server", HostName.local());
            job.time("submitted").ifPresent(t -> attribute(out, "ctime", PbsTime.FORMAT.format(t)));
            attribute(out, "Error_Path", job.get("submit-host") + ":" + job.get("error-path"));
            if (!job.get("allocated").isEmpty()) {
                attribute(out, "exec_host", execHost(job));
            }
            attribute(out, "Hold_Types", "operator".equals(job.get("hold")) ? "o" : job.state().equals("held") ? "u" : "n");
            attribute(out, "Join_Path", job.get("join").isEmpty() ? "n" : job.get("join"));
            attribute(out, "Mail_Points", job.get("mail-events").isEmpty() ? "a" : job.get("mail-events"));
            attribute(out, "Mail_Users", job.get("mail-users"));
            attribute(out, "Output_Path", job.get("submit-host") + ":" + job.get("output-path"));
            attribute(out, "Priority", job.get("priority"));
            attribute(out, "Rerunable", job.get("rerunnable").equals("false") ? "False" : "True");
            attribute(out, "Account_Name", job.get("account"));
            attribute(out, "Resource_List.nodes", nodesResource(job));
            attribute(out, "Resource_List.nodect", job.get("nodes"));
            attribute(out, "Resource_List.advres", job.get("reservation"));
            attribute(out, "Resource_List.qos", job.get("qos"));
            if (!limit(job).equals("none")) {
                attribute(out, "Resource_List.walltime", limit(job));
            }
            for (String memory : List.of("mem", "pmem", "vmem")) {
                attribute(out, "Resource_List." + memory, kilobytes(job.get(memory)));
            }
            if (!job.get("cput").isEmpty()) {
                attribute(out, "Resource_List.cput", Job.hms(Long.parseLong(job.get("cput"))));
            }
            attribute(out, "depend", job.get("depend"));
            attribute(out, "job_array_id", job.get("array-index"));
            attribute(out, "init_work_dir", job.get("workdir"));
            attribute(out, "submit_args", job.get("script-name"));
            job.time("started").ifPresent(t -> attribute(out, "start_time", PbsTime.FORMAT.format(t)));
            job.time("ended").ifPresent(t -> attribute(out, "comp_time", PbsTime.FORMAT.format(t)));
            attribute(out, "session_id", job.get("pgid"));
            attribute(out, "run_count", job.get("runs"));
            if (job.exitStatus().isPresent()) {
                attribute(out, "exit_status", String.valueOf(job.exitStatus().getAsInt()));
            }
            job.time("begin").ifPresent(t -> attribute(out, "Execution_Time", PbsTime.FORMAT.format(t)));
            attribute(out, "comment", job.get("reason"));
            job.time("expected-start").ifPresent(t -> attribute(out, "estimated.start_time", PbsTime.FORMAT.format(t)));
            out.append('\n');
        }
        return out.toString();
    }

    private static String execHost(Job job) {
        int ppn = Math.max(1, parseInt(job.get("ppn")));
        List<String> slots = new ArrayList<>();
        for (String node : job.words("allocated")) {
            for (int slot = 0; slot < ppn; slot++) {
                slots.add(node + "/" + slot);
            }
        }
        return String.join("+", slots);
    }

    private static void attribute(StringBuilder out, String name, String value) {
        if (!value.isEmpty()) {
            out.append("    ").append(name).append(" = ").append(value).append('\n');
        }
    }

    private static String pbsId(Job job) {
        return job.id() + "." + HostName.local();
    }

    private static String cut(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "+";
    }

    /** The time of day in the local zone, built only when a table needs it. */
    private static final class LocalTime {
        static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT)
                .withZone(ZoneId.systemDefault());
    }

    /** qstat -f's time format, built only when -f needs it. */
    private static final class PbsTime {
        static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.ROOT)
                .withZone(ZoneId.systemDefault());
    }

    private static int parseInt(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * @return Torque's {@code Resource_List.nodes}: {@code N:ppn=M[:FEATURE...]}, or with the nodes the job named
     *     first ({@code node1:ppn=M+node2:ppn=M}, then {@code +K:ppn=M} for the K it left to the scheduler)
     */
    private static String nodesResource(Job job) {
        List<String> features = job.words("features");
        String ppn = ":ppn=" + job.get("ppn") + (job.get("gpus").isEmpty() ? "" : ":gpus=" + job.get("gpus"))
                + (features.isEmpty() ? "" : ":" + String.join(":", features));
        List<String> named = job.words("required-nodes");
        if (named.isEmpty()) {
            return job.get("nodes") + ppn;
        }
        List<String> parts = new java.util.ArrayList<>();
        for (String node : named) {
            parts.add(node + ppn);
        }
        int rest = Integer.parseInt(job.get("nodes")) - parts.size();
        if (rest > 0) {
            parts.add(rest + ppn);
        }
        return String.join("+", parts);
    }
}
