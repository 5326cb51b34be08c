package org.sss.lib.xml;

/**
 * The SSS restriction syntax for queries: a field left out of a query does not restrict and is not returned;
 * a field given as {@code *} matches any value and asks for the field; any other value must match, where
 * {@code *} inside it stands for any run of characters ({@code job-*}). Matching is linear in the sizes of the
 * pattern and the value (no regular expressions, so no pathological patterns).
 */
public final class Restriction {
    /** The wildcard. */
    public static final String ANY = "*";

    private Restriction() {
    }

    /**
     * @param pattern the query's value for a field, or {@code null} when the query leaves the field out
     * @param value   the record's value, possibly {@code null}
     * @return whether the record passes this field's restriction
     */
    public static boolean matches(String pattern, String value) {
        if (pattern == null || ANY.equals(pattern)) {
            return true;
        }
        if (value == null) {
            return false;
        }
        if (pattern.indexOf('*') < 0) {
            return pattern.equals(value);
        }
        return glob(pattern, value);
    }

    /**
     * @param pattern the query's value for a field, or {@code null}
     * @return whether the query asks for the field in the reply
     */
    public static boolean requested(String pattern) {
        return pattern != null;
    }

    private static boolean glob(String pattern, String value) {
        int p = 0;
        int v = 0;
        int starP = -1;
        int starV = 0;
        while (v < value.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                starP = p++;
                starV = v;
            } else if (p < pattern.length() && pattern.charAt(p) == value.charAt(v)) {
                p++;
                v++;
            } else if (starP >= 0) {
                p = starP + 1;
                v = ++starV;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
