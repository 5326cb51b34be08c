package org.sss.mpd.internal.pmi;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The value of the {@code PMI_process_mapping} key that MPICH reads to learn which ranks share a host:
 * {@code (vector,(start,count,size),...)}, where each block says "{@code count} hosts from host {@code start} on,
 * each with {@code size} consecutive ranks", the blocks in rank order and the list repeated cyclically until
 * every rank is covered. Hosts are numbered in the order ranks first land on them.
 */
public final class ProcessMapping {
    private ProcessMapping() {
    }

    /**
     * @param rankHost each rank's host (any numbering)
     * @return the mapping, or empty when it would be too long for a PMI reply (MPICH then asks the ranks for their
     *         host names instead, at the cost of one more fence)
     */
    public static Optional<String> of(int[] rankHost) {
        if (rankHost.length == 0) {
            return Optional.empty();
        }
        int[] node = renumber(rankHost);
        List<int[]> runs = new ArrayList<>();
        for (int r = 0; r < node.length; ) {
            int end = r;
            while (end < node.length && node[end] == node[r]) {
                end++;
            }
            runs.add(new int[] {node[r], end - r});
            r = end;
        }
        List<int[]> blocks = new ArrayList<>();
        for (int[] run : runs) {
            int[] last = blocks.isEmpty() ? null : blocks.getLast();
            if (last != null && last[2] == run[1] && last[0] + last[1] == run[0]) {
                last[1]++;
            } else {
                blocks.add(new int[] {run[0], 1, run[1]});
            }
        }
        List<int[]> cycle = shortestCycle(blocks, node);
        StringBuilder text = new StringBuilder("(vector");
        for (int[] block : cycle) {
            text.append(",(").append(block[0]).append(',').append(block[1]).append(',').append(block[2]).append(')');
        }
        text.append(')');
        return text.length() > PmiLimits.MAX_MAPPING ? Optional.empty() : Optional.of(text.toString());
    }

    private static int[] renumber(int[] rankHost) {
        java.util.Map<Integer, Integer> ids = new java.util.HashMap<>();
        int[] node = new int[rankHost.length];
        for (int r = 0; r < rankHost.length; r++) {
            node[r] = ids.computeIfAbsent(rankHost[r], k -> ids.size());
        }
        return node;
    }

    /** The shortest prefix of the blocks that, repeated over the ranks, gives every rank's host (MPICH repeats it). */
    private static List<int[]> shortestCycle(List<int[]> blocks, int[] node) {
        for (int period = 1; period < blocks.size(); period++) {
            if (describes(blocks.subList(0, period), node)) {
                return blocks.subList(0, period);
            }
        }
        return blocks;
    }

    private static boolean describes(List<int[]> cycle, int[] node) {
        int rank = 0;
        while (rank < node.length) {
            for (int[] block : cycle) {
                for (int host = block[0]; host < block[0] + block[1]; host++) {
                    for (int i = 0; i < block[2]; i++) {
                        if (rank >= node.length) {
                            return true;
                        }
                        if (node[rank++] != host) {
                            return false;
                        }
                    }
                }
            }
        }
        return true;
    }
}
