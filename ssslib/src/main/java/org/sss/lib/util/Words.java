package org.sss.lib.util;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The suite's list attributes: names separated by white space, as the schemas carry node lists, features, users and
 * allocations ({@code "node1 node2"}). One reading of them for every component. Stateless.
 */
public final class Words {
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private Words() {
    }

    /**
     * @param text names separated by white space; null, empty or blank for none
     * @return the names in order (repeats kept), unmodifiable; empty for none
     */
    public static List<String> list(String text) {
        return text == null || text.isBlank() ? List.of() : List.of(SPACES.split(text.strip()));
    }

    /**
     * @param text names separated by white space; null, empty or blank for none
     * @return the distinct names in their first order, unmodifiable; empty for none
     */
    public static Set<String> set(String text) {
        return text == null || text.isBlank() ? Set.of()
                : Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(SPACES.split(text.strip()))));
    }

    /**
     * @param names names
     * @return the names as the attributes carry them (single spaces), or null when there are none
     */
    public static String join(java.util.Collection<String> names) {
        return names.isEmpty() ? null : String.join(" ", names);
    }
}
