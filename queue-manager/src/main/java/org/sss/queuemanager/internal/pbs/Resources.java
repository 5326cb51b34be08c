package org.sss.queuemanager.internal.pbs;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks and converts the values of the {@code -l} resources this queue manager knows: {@code nodes},
 * {@code select}, {@code ncpus}, {@code mem}, and (through {@link Walltime}) {@code walltime} and {@code cput}.
 * Stateless.
 */
final class Resources {
    /** The most nodes, chunks or processors per node accepted. */
    static final int MAX_COUNT = 1_000_000;
    /** The most GPUs per node a job may ask for. */
    static final int MAX_GPUS = 1024;
    /** A node feature (Torque's property): letters, digits, dots, dashes and underscores, not starting with . or -. */
    static final Pattern FEATURE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");
    private static final String NODES_FORMS = "expected nodes=N[:ppn=M][:gpus=G][:FEATURE...], or node names and counts "
            + "joined by + (node1:ppn=M+node2:ppn=M)";
    private static final Pattern SELECT = Pattern.compile("([^:]*)(?::ncpus=([^:]*))?");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})([kmgt]?b?)", Pattern.CASE_INSENSITIVE);

    private Resources() {
    }

    /**
     * @param value the {@code nodes} value: {@code N[:ppn=M][:gpus=G][:FEATURE...]}, or Torque's parts joined by {@code +},
     *              each a count or a node's name with the same {@code :ppn=M} and features
     *              ({@code node1:ppn=4+node2:ppn=4}, {@code node1+1}, {@code 2:ppn=8:gpu}): whole nodes, so every part
     *              asks the same processors per node and the same features
     * @return the nodes (the counts and the names together), M processors each (1 when not given), the named ones
     *     required, and the features every node must have
     * @throws BadValueException for any other shape, parts asking different ppn or features, a name given twice, or a
     *     count outside 1 to {@value #MAX_COUNT}
     */
    static NodeShape nodes(String value) throws BadValueException {
        String[] parts = value.split("\\+", -1);
        if (parts.length > MAX_COUNT) {
            throw new BadValueException("more than " + MAX_COUNT + " parts");
        }
        long total = 0;
        Integer ppn = null;
        Integer gpus = null;
        java.util.Set<String> features = null;
        java.util.LinkedHashSet<String> hosts = new java.util.LinkedHashSet<>();
        for (String part : parts) {
            String[] words = part.split(":", -1);
            String first = words[0];
            int partPpn = 1;
            boolean ppnGiven = false;
            int partGpus = 0;
            java.util.LinkedHashSet<String> partFeatures = new java.util.LinkedHashSet<>();
            for (int i = 1; i < words.length; i++) {
                if (words[i].startsWith("ppn=")) {
                    if (ppnGiven) {
                        throw new BadValueException("ppn is given twice in " + Source.show(part));
                    }
                    ppnGiven = true;
                    partPpn = count("ppn", words[i].substring(4), "expected nodes=N or nodes=N:ppn=M");
                } else if (words[i].startsWith("gpus=")) {
                    if (partGpus > 0) {
                        throw new BadValueException("gpus is given twice in " + Source.show(part));
                    }
                    partGpus = gpus(words[i].substring(5));
                } else if (FEATURE.matcher(words[i]).matches()) {
                    partFeatures.add(words[i]);
                } else {
                    throw new BadValueException(NODES_FORMS);
                }
            }
            if (first.isEmpty()) {
                throw new BadValueException(NODES_FORMS);
            }
            if (ppn != null && partPpn != ppn) {
                throw new BadValueException("every part must ask the same ppn (" + ppn + " and " + partPpn
                        + "): nodes are given whole, one shape per job");
            }
            if (features != null && !features.equals(partFeatures)) {
                throw new BadValueException("every part must ask the same features (" + shownFeatures(features)
                        + " and " + shownFeatures(partFeatures) + ")");
            }
            if (gpus != null && partGpus != gpus) {
                throw new BadValueException("every part must ask the same gpus (" + gpus + " and " + partGpus + ")");
            }
            ppn = partPpn;
            features = partFeatures;
            gpus = partGpus;
            if (first.chars().allMatch(Character::isDigit)) {
                total += count("nodes", first, "expected nodes=N or nodes=N:ppn=M");
            } else if (!Attributes.isNodeName(first)) {
                throw new BadValueException("bad node name " + Source.show(first));
            } else if (!hosts.add(first)) {
                throw new BadValueException("node " + first + " is named twice");
            } else {
                total++;
            }
        }
        if (total > MAX_COUNT) {
            throw new BadValueException("more than " + MAX_COUNT + " nodes");
        }
        return new NodeShape((int) total, ppn, List.copyOf(hosts), List.copyOf(features), gpus);
    }

    /**
     * @param value a GPU count per node
     * @return it, 1 to {@value #MAX_GPUS}
     * @throws BadValueException for anything else
     */
    public static int gpus(String value) throws BadValueException {
        if (!value.matches("\\d{1,4}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > MAX_GPUS) {
            throw new BadValueException("the GPUs per node must be a whole number from 1 to " + MAX_GPUS);
        }
        return Integer.parseInt(value);
    }

    private static String shownFeatures(java.util.Set<String> features) {
        return features.isEmpty() ? "none" : String.join(":", features);
    }

    /**
     * @param value the {@code select} value, {@code N} or {@code N:ncpus=M}
     * @return N chunks (nodes) of M processors (M is 1 when not given)
     * @throws BadValueException for any other shape, or a count outside 1 to {@value #MAX_COUNT}
     */
    static NodeShape select(String value) throws BadValueException {
        Matcher m = SELECT.matcher(value);
        if (!m.matches()) {
            throw new BadValueException("expected select=N or select=N:ncpus=M");
        }
        return new NodeShape(count("select", m.group(1), "expected select=N or select=N:ncpus=M"),
                m.group(2) == null ? 1 : count("ncpus", m.group(2), "expected select=N or select=N:ncpus=M"));
    }

    /**
     * @param value the {@code ncpus} value
     * @return one node of that many processors
     * @throws BadValueException unless it is a whole number from 1 to {@value #MAX_COUNT}
     */
    static NodeShape ncpus(String value) throws BadValueException {
        return new NodeShape(1, count("ncpus", value, "ncpus must be a whole number"));
    }

    /**
     * @param value a {@code mem} value: a whole number with an optional unit {@code b}, {@code kb}, {@code mb},
     *              {@code gb} or {@code tb} (powers of 1024, any case; {@code k}, {@code m}, ... alone mean the
     *              same); words ({@code w}) are refused
     * @return the size in bytes, at least 1
     * @throws BadValueException for any other shape, zero, or a size beyond a long
     */
    static long bytes(String value) throws BadValueException {
        Matcher m = SIZE.matcher(value);
        if (!m.matches()) {
            throw new BadValueException("expected a size such as 512mb or 4gb");
        }
        int shift = switch (m.group(2).isEmpty() ? 'b' : Character.toLowerCase(m.group(2).charAt(0))) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        long number;
        try {
            number = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new BadValueException("size is too large");
        }
        if (number == 0) {
            throw new BadValueException("size must be at least 1 byte");
        }
        if (number > Long.MAX_VALUE >> shift) {
            throw new BadValueException("size is too large");
        }
        return number << shift;
    }

    private static int count(String what, String digits, String shape) throws BadValueException {
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new BadValueException(shape);
        }
        String significant = digits.replaceFirst("^0+(?=.)", "");
        if (significant.length() > 7 || Integer.parseInt(significant) > MAX_COUNT) {
            throw new BadValueException(what + " must be at most " + MAX_COUNT);
        }
        int count = Integer.parseInt(significant);
        if (count < 1) {
            throw new BadValueException(what + " must be at least 1");
        }
        return count;
    }
}
