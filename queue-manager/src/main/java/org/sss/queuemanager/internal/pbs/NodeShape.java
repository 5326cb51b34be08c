package org.sss.queuemanager.internal.pbs;

/**
 * How many nodes a job asks for and how many processors on each, from {@code -l nodes=N[:ppn=M]},
 * {@code -l select=N[:ncpus=M]} or {@code -l ncpus=M} (one node).
 *
 * @param nodes the number of nodes (or chunks), at least 1
 * @param ppn   the processors wanted on each node, at least 1
 */
public record NodeShape(int nodes, int ppn) {
    /** @throws IllegalArgumentException if a count is below 1 */
    public NodeShape {
        if (nodes < 1 || ppn < 1) {
            throw new IllegalArgumentException("nodes and ppn must be at least 1: " + nodes + ", " + ppn);
        }
    }
}
