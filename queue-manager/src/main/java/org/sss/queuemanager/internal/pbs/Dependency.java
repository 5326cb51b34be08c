package org.sss.queuemanager.internal.pbs;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One job dependency from {@code -W depend=TYPE:JOB[:JOB...][,TYPE:JOB...]}: this job may start only once the named
 * jobs reach the state the type names.
 *
 * @param type the kind of dependency
 * @param jobs the job ids as typed, at least one (none for {@code singleton}), each a number optionally followed by
 *             {@code []} (an array job) and {@code .server}, such as {@code 17}, {@code 17.host} or {@code 17[]}
 */
public record Dependency(Type type, List<String> jobs) {
    private static final Pattern JOB_ID = Pattern.compile("(\\d{1,18})(?:\\[\\])?(?:\\..+)?");

    /** The supported dependency types; {@code before*}, {@code afterstart}, {@code on} and others are refused. */
    public enum Type {
        /** {@code after}: after the jobs have started (or ended without starting). */
        AFTER("after"),
        /** {@code afterok}: after the jobs end successfully (exit status 0). */
        AFTEROK("afterok"),
        /** {@code afterany}: after the jobs end, however they end. */
        AFTERANY("afterany"),
        /** {@code afternotok}: after the jobs end unsuccessfully. */
        AFTERNOTOK("afternotok"),
        /**
         * {@code singleton} (Slurm's): after every job of the same user and name submitted before it has ended; it
         * names no job ids.
         */
        SINGLETON("singleton");

        private final String keyword;

        Type(String keyword) {
            this.keyword = keyword;
        }

        /** @return the type as written in {@code -W depend=}, e.g. {@code afterok} */
        public String keyword() {
            return keyword;
        }
    }

    /**
     * Checks the job ids and copies the list.
     *
     * @throws IllegalArgumentException if there is no job id or one is malformed
     */
    public Dependency {
        Objects.requireNonNull(type, "type");
        jobs = List.copyOf(jobs);
        if (type == Type.SINGLETON ? !jobs.isEmpty()
                : jobs.isEmpty() || !jobs.stream().allMatch(j -> JOB_ID.matcher(j).matches())) {
            throw new IllegalArgumentException("bad job ids " + jobs + " for " + type.keyword());
        }
    }

    /**
     * @param text the value after {@code depend=}, e.g. {@code afterok:1:2,afterany:3}
     * @return one dependency per comma-separated item, in order
     * @throws BadValueException {@code the dependency list is empty}, {@code empty dependency in the list},
     *     {@code unsupported dependency type before; use after, afterok, afterany, afternotok or singleton},
     *     {@code singleton names no job ids},
     *     {@code afterok needs at least one job id}, {@code missing dependency type before the job ids},
     *     {@code empty job id}, or {@code job id abc is not numeric}
     */
    public static List<Dependency> parseList(String text) throws BadValueException {
        if (text.isEmpty()) {
            throw new BadValueException("the dependency list is empty");
        }
        List<Dependency> dependencies = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            dependencies.add(parseOne(item));
        }
        return List.copyOf(dependencies);
    }

    private static Dependency parseOne(String item) throws BadValueException {
        if (item.isEmpty()) {
            throw new BadValueException("empty dependency in the list");
        }
        String[] parts = item.split(":", -1);
        Type type = type(parts[0]);
        if (type == Type.SINGLETON) {
            if (parts.length > 1) {
                throw new BadValueException("singleton names no job ids");
            }
            return new Dependency(type, List.of());
        }
        if (parts.length == 1 || parts.length == 2 && parts[1].isEmpty()) {
            throw new BadValueException(type.keyword() + " needs at least one job id");
        }
        List<String> jobs = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            String job = parts[i];
            if (job.isEmpty()) {
                throw new BadValueException("empty job id");
            }
            if (!JOB_ID.matcher(job).matches()) {
                throw new BadValueException("job id " + job + " is not numeric");
            }
            jobs.add(job);
        }
        return new Dependency(type, jobs);
    }

    private static Type type(String keyword) throws BadValueException {
        if (keyword.isEmpty()) {
            throw new BadValueException("missing dependency type before the job ids");
        }
        for (Type type : Type.values()) {
            if (type.keyword().equals(keyword)) {
                return type;
            }
        }
        throw new BadValueException("unsupported dependency type " + keyword
                + "; use after, afterok, afterany, afternotok or singleton");
    }

    /**
     * @return the numeric part of each job id, in order, without leading zeros: {@code 17}, {@code 17.host} and
     *     {@code 17[]} all give {@code 17}
     */
    public List<String> jobIds() {
        List<String> ids = new ArrayList<>(jobs.size());
        for (String job : jobs) {
            Matcher m = JOB_ID.matcher(job);
            if (m.matches()) {
                ids.add(Long.toString(Long.parseLong(m.group(1))));
            }
        }
        return List.copyOf(ids);
    }
}
