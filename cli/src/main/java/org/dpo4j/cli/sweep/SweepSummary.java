package org.dpo4j.cli.sweep;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.dpo4j.cli.rundir.FinalMetrics;
import org.dpo4j.cli.rundir.RunDirectory;
import org.dpo4j.cli.rundir.RunReport;

/**
 * A sweep's {@code summary.md} (a Markdown table) and {@code summary.csv}: one row per run, with
 * its name, its status, its value of each key the sweep varies (read from its resolved config,
 * so a key a run does not have is blank) and its final training and evaluation metrics
 * ({@link FinalMetrics}). Both files are written through a temporary name and a rename.
 */
public final class SweepSummary {

    static final String MARKDOWN = "summary.md";
    static final String CSV = "summary.csv";

    /**
     * One run's row.
     *
     * @param name    the run's directory name
     * @param status  {@code finished}, {@code failed (exit N)}, {@code interrupted} or {@code pending}
     * @param keys    the run's value of each of the sweep's columns, in column order
     * @param metrics its final metrics
     */
    record Row(String name, String status, List<String> keys, FinalMetrics metrics) {}

    private SweepSummary() {}

    static void write(Path sweepDir, List<String> columns, List<Row> rows) throws IOException {
        RunDirectory dir = new RunDirectory(sweepDir, sweepDir.toString());
        dir.writeAtomically(MARKDOWN, markdown(columns, rows));
        dir.writeAtomically(CSV, csv(columns, rows));
    }

    static List<String> header(List<String> columns) {
        List<String> header = new ArrayList<>(List.of("run", "status"));
        header.addAll(columns);
        header.add("step");
        header.addAll(FinalMetrics.TRAIN);
        header.addAll(FinalMetrics.EVAL);
        return header;
    }

    static String markdown(List<String> columns, List<Row> rows) {
        StringBuilder s = new StringBuilder();
        List<String> header = header(columns);
        s.append(mdLine(header));
        s.append(header.stream().map(h -> "---").collect(Collectors.joining("|", "|", "|\n")));
        for (Row r : rows) {
            s.append(mdLine(cells(r, RunReport::format)));
        }
        return s.toString();
    }

    /** A row's cells in header order: name, status, override values, step, metrics ("" when missing). */
    private static List<String> cells(Row r, Function<Double, String> number) {
        List<String> cells = new ArrayList<>(List.of(r.name(), r.status()));
        cells.addAll(r.keys());
        cells.add(r.metrics().step() == null ? "" : r.metrics().step().toString());
        for (String m : metricNames()) {
            Double v = r.metrics().get(m);
            cells.add(v == null ? "" : number.apply(v));
        }
        return cells;
    }

    static String csv(List<String> columns, List<Row> rows) {
        StringBuilder s = new StringBuilder();
        s.append(csvLine(header(columns)));
        for (Row r : rows) {
            // full precision: a CSV is read by programs
            s.append(csvLine(cells(r, v -> String.format(Locale.ROOT, "%s", v))));
        }
        return s.toString();
    }

    private static List<String> metricNames() {
        List<String> names = new ArrayList<>(FinalMetrics.TRAIN);
        names.addAll(FinalMetrics.EVAL);
        return names;
    }

    private static String mdLine(List<String> cells) {
        return cells.stream()
                .map(c -> c.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " "))
                .collect(Collectors.joining(" | ", "| ", " |\n"));
    }

    /** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
    private static String csvLine(List<String> cells) {
        return cells.stream()
                .map(c -> c.matches("[^,\"\r\n]*") ? c : "\"" + c.replace("\"", "\"\"") + "\"")
                .collect(Collectors.joining(",", "", "\n"));
    }
}
