package org.sss.sssjob.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table: columns as wide as their widest cell (at most a maximum, longer cells cut with {@code +} as
 * qstat does), separated by a space; the last column is never cut or padded.
 */
final class Table {
    private final List<String> headers;
    private final int[] maxWidths;
    private final List<String[]> rows = new ArrayList<>();

    /**
     * @param headers   column titles
     * @param maxWidths each column's widest allowed cell
     */
    Table(List<String> headers, int... maxWidths) {
        if (headers.size() != maxWidths.length) {
            throw new IllegalArgumentException("a width per column");
        }
        this.headers = List.copyOf(headers);
        this.maxWidths = maxWidths.clone();
    }

    /** @param cells one row, a cell per column */
    void add(String... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("a cell per column");
        }
        rows.add(cells.clone());
    }

    /** @return the table, headers and a rule first, each line ending in a newline */
    String render() {
        int columns = headers.size();
        int[] widths = new int[columns];
        for (int c = 0; c < columns; c++) {
            widths[c] = Math.min(maxWidths[c], headers.get(c).length());
            for (String[] row : rows) {
                widths[c] = Math.min(maxWidths[c], Math.max(widths[c], row[c].length()));
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, headers.toArray(String[]::new), widths);
        String[] rule = new String[columns];
        for (int c = 0; c < columns; c++) {
            rule[c] = "-".repeat(c == columns - 1 ? Math.max(widths[c], headers.get(c).length()) : widths[c]);
        }
        line(out, rule, widths);
        for (String[] row : rows) {
            line(out, row, widths);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            String cell = cells[c];
            if (c == cells.length - 1) {
                line.append(cell);
                break;
            }
            if (cell.length() > widths[c]) {
                cell = cell.substring(0, widths[c] - 1) + "+";
            }
            line.append(cell).append(" ".repeat(widths[c] - cell.length())).append(' ');
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }
}
