package io.github.tieredcache.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The section of {@code RESULTS.md} that quotes {@code run.sh latency}: the single-key and bulk
 * figures measured with every client behind links that delay each direction (see {@code
 * DelayedLinks}), and the bulk budgets judged there, read from {@code benchmarks/results-latency/}
 * (its whole report is {@code RESULTS-latency.md}).
 */
final class LatencyProfile {

  private LatencyProfile() {}

  /** Adds the section (and its budget rows) to {@code report}, or says the profile was not run. */
  static void section(ResultsReport report, Path results) throws IOException {
    Path dir = results.resolveSibling("results-latency");
    report.line("## On delayed links (`run.sh latency`)");
    report.line("");
    if (!Files.isDirectory(dir) || !Files.exists(dir.resolve("run-info.properties"))) {
      report.line(
          "Not run: `benchmarks/run.sh latency` writes `results-latency/` and `RESULTS-latency.md`.");
      report.line("");
      return;
    }
    ResultsReport latency = new ResultsReport(dir);
    String delay = latency.info("linkDelayUs", "?");
    report.line(
        "From `benchmarks/run.sh latency` ("
            + latency.info("started", "?")
            + ", "
            + latency.info("forks", "?")
            + " forks): the remote and bulk suites with every client reaching every node through"
            + " a link that delays each direction by "
            + delay
            + " µs, in user space (this kernel has no `sch_netem`); the raw GET row is the round"
            + " trip really paid, longer than twice the delay (timer slack, thread hand-offs). Full"
            + " tables:"
            + " [RESULTS-latency.md](RESULTS-latency.md).");
    report.line("");
    ResultsReport.Suite remote = latency.suite("remote");
    ResultsReport.Suite bulk = latency.suite("bulk");
    report.line("| row | mean, µs | p50, µs | p99, µs |");
    report.line("|---|---|---|---|");
    if (remote != null) {
      row(report, remote, "rawGetDecode sample", "raw Lettuce GET + decode (the round trip)");
      row(report, remote, "tieredHotGet sample", "tiered hot hit (`get`)");
    }
    if (bulk != null) {
      for (String method : new String[] {"tieredGetAll", "tieredSingleGets", "rawPipelinedMgets"}) {
        ResultsReport.Row r = median(bulk, method + " avgt");
        if (r != null) {
          report.line(
              String.format(
                  Locale.ROOT,
                  "| %s (100 keys) | %.1f | | |",
                  method,
                  toMicros(r.score(), r.unit())));
        }
      }
    }
    report.line("");
    if (bulk != null) {
      report.budget(
          "bulk get of 100 keys, " + delay + " µs links",
          "≥ 10 × faster than 100 single gets",
          latency.ratio(
              bulk,
              "tieredGetAll avgt",
              "tieredSingleGets avgt",
              (r, ref) -> ref.score() / r.score()),
          true,
          10,
          "2",
          "`run.sh latency`: average time of `tieredSingleGets` / `tieredGetAll`");
      report.budget(
          "bulk get of 100 keys by node, " + delay + " µs links",
          "≤ 1.25 × raw Lettuce MGETs per slot pipelined per node",
          latency.ratio(
              bulk, "tieredGetAll avgt", "rawPipelinedMgets avgt", ResultsReport::timeRatio),
          false,
          1.25,
          "2",
          "`run.sh latency`: average time of `tieredGetAll` / `rawPipelinedMgets`");
    }
  }

  private static void row(ResultsReport report, ResultsReport.Suite s, String key, String label) {
    ResultsReport.Row r = median(s, key);
    if (r == null) {
      return;
    }
    report.line(
        String.format(
            Locale.ROOT,
            "| %s | %.1f | %.1f | %.1f |",
            label,
            toMicros(r.score(), r.unit()),
            toMicros(r.percentiles().getOrDefault("50.0", Double.NaN), r.unit()),
            toMicros(r.percentiles().getOrDefault("99.0", Double.NaN), r.unit())));
  }

  /** The fork whose score is the median of the row's forks. */
  private static ResultsReport.Row median(ResultsReport.Suite s, String key) {
    var rows = s.rows(key);
    if (rows.isEmpty()) {
      return null;
    }
    rows.sort((a, b) -> Double.compare(a.score(), b.score()));
    return rows.get(rows.size() / 2);
  }

  private static double toMicros(double value, String unit) {
    return switch (unit) {
      case "ns/op" -> value / 1_000;
      case "ms/op" -> value * 1_000;
      case "s/op" -> value * 1_000_000;
      default -> value;
    };
  }
}
