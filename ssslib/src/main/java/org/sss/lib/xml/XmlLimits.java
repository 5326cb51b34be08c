package org.sss.lib.xml;

/**
 * Structural limits on every parsed document, checked while parsing (before validation), so hostile input
 * is rejected after a bounded amount of work. The byte size is bounded earlier by the frame.
 *
 * @param maxDepth          deepest element nesting allowed (the root is depth 1)
 * @param maxAttributes     most attributes on one element
 * @param maxAttributeChars longest attribute value, in characters
 */
public record XmlLimits(int maxDepth, int maxAttributes, int maxAttributeChars) {
    /** Defaults: depth 64, 256 attributes per element, 65,536 characters per attribute value. */
    public static final XmlLimits DEFAULT = new XmlLimits(64, 256, 65_536);

    /** Checks that every limit is positive. */
    public XmlLimits {
        if (maxDepth < 1 || maxAttributes < 1 || maxAttributeChars < 1) {
            throw new IllegalArgumentException("XML limits must be positive: " + maxDepth + ", " + maxAttributes
                    + ", " + maxAttributeChars);
        }
    }
}
