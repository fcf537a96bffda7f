package io.github.tieredcache.benchmarks;

import io.github.tieredcache.benchmarks.EffectivenessRun.Figures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The markdown of {@code RESULTS-effectiveness.md}: the headline table (between markers, which
 * {@code ResultsReport} copies into {@code RESULTS.md}), the goals of issue 11 judged row by row,
 * and what each configuration is.
 */
final class EffectivenessTable {

  static final String START = "<!-- effectiveness:start -->";
  static final String END = "<!-- effectiveness:end -->";

  /** Issue 11's goals. */
  static final double FRESH_MAX_DATABASE_SHARE = 0.100;

  static final long FRESH_MAX_BYTES = 25_000_000;
  static final double LATENCY_MIN_UNWAITED = 0.992;
  static final double LATENCY_MAX_BEYOND = 0.005;
  static final long LATENCY_MAX_BYTES = 90_000_000;

  private EffectivenessTable() {}

  static String markdown(
      List<Figures> figures,
      PostTrace.Shape shape,
      Duration length,
      Duration warmup,
      String command,
      Instant started,
      long wallSeconds) {
    StringBuilder md = new StringBuilder();
    md.append("# Effectiveness: database reads per byte of Redis\n\n");
    md.append("Written by `EffectivenessReport` (")
        .append(started)
        .append(", ")
        .append(wallSeconds)
        .append(" s of wall time); do not edit. Command:\n\n```\n")
        .append(command)
        .append("\n```\n\n");
    md.append(START).append('\n');
    md.append(
        String.format(
            Locale.ROOT,
            "The post trace on virtual time, through the real `TieredCache` (L0 of 10,000 entries /"
                + " 30 s, the defaults) on `InMemoryTierStore`: %d h, measured after the first %d h;"
                + " %,d new posts an hour on %d days of older ones, %d reads/s (%.0f %% to posts"
                + " under an hour old, %.0f %% to posts 1 h to 24 h old, both by recency; the rest"
                + " Zipf over older posts), %.0f edits in a post's first hour, seed %d. *Database* is"
                + " loader calls per read; *without waiting* is reads that did not wait for one;"
                + " *Redis* is every live copy and generation with its key, sampled every 10"
                + " minutes; *stale* is a read answering an older version than the database's.%n%n",
            length.toHours(),
            warmup.toHours(),
            shape.postsPerHour(),
            shape.oldDays(),
            shape.readsPerSecond(),
            100 * shape.youngShare(),
            100 * shape.hoursShare(),
            shape.editsPerPostFirstHour(),
            shape.seed()));
    md.append(
        "| configuration | database | without waiting | served by L0 / tiers | Redis MB, mean / peak"
            + " | stale reads | stale > "
            + EffectivenessReport.BOUND.toSeconds()
            + " s | staleness p99 / max |\n");
    md.append("|---|---|---|---|---|---|---|---|\n");
    for (Figures f : figures) {
      StringBuilder served = new StringBuilder(pct(f.share(f.l0Hits())));
      for (int t = 0; t < f.tierHits().length; t++) {
        served
            .append(" / ")
            .append(f.tierNames()[t])
            .append(' ')
            .append(pct(f.share(f.tierHits()[t])));
      }
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %.1f / %.1f | %s | %s | %s |%n",
              f.setup(),
              pct(f.share(f.loads())),
              pct(1 - f.share(f.waited())),
              served,
              f.meanBytes() / 1e6,
              f.peakBytes() / 1e6,
              pct(f.share(f.staleReads())),
              pct(f.share(f.staleBeyondBound())),
              f.staleReads() == 0
                  ? "-"
                  : seconds(f.staleP99Millis()) + " / " + seconds(f.staleMaxMillis())));
    }
    md.append('\n');
    md.append(goals(figures));
    md.append(END).append("\n\n");
    md.append("## Configurations\n\n");
    for (Figures f : figures) {
      md.append("- **").append(f.setup()).append("**: ").append(f.description());
      if (f.sketchBytes() > 0) {
        md.append(
            String.format(
                Locale.ROOT,
                " (admission sketches %,d bytes; %s of reads loaded a value a tier refused)",
                f.sketchBytes(),
                pct(f.share(f.admissionsRefused()))));
      }
      md.append("; Redis MB by tier (mean):");
      for (int t = 0; t < f.tierNames().length; t++) {
        md.append(
            String.format(
                Locale.ROOT, " %s %.1f,", f.tierNames()[t], f.meanBytesByTier()[t] / 1e6));
      }
      md.append(
          String.format(
              Locale.ROOT, " generations %.1f", f.meanBytesByTier()[f.tierNames().length] / 1e6));
      md.append(
          String.format(
              Locale.ROOT,
              "; %,d reads measured, %.0f s of wall time.%n",
              f.reads(),
              f.wallSeconds()));
    }
    return md.toString();
  }

  /**
   * Copies the headline table of {@code RESULTS-effectiveness.md}, next to {@code results}, into a
   * {@link ResultsReport}; says how to make it when there is none.
   */
  static void quote(ResultsReport report, Path results) throws IOException {
    Path file = results.resolveSibling("RESULTS-effectiveness.md");
    report.line("## Effectiveness: database reads per byte of Redis (`EffectivenessReport`)");
    report.line("");
    String text = Files.exists(file) ? Files.readString(file) : "";
    int from = text.indexOf(START);
    int to = text.indexOf(END);
    if (from < 0 || to < from) {
      report.line(
          "Not run: `EffectivenessReport` (see `benchmarks/README.md`) writes"
              + " `RESULTS-effectiveness.md`.");
      report.line("");
      return;
    }
    int fence = text.indexOf("```\n");
    int fenceEnd = fence < 0 ? -1 : text.indexOf("\n```", fence + 4);
    String command = fenceEnd < 0 ? "?" : text.substring(fence + 4, fenceEnd);
    report.line(
        "From [RESULTS-effectiveness.md](RESULTS-effectiveness.md) (what each configuration is, Redis"
            + " bytes per tier), made by `"
            + command
            + "`:");
    report.line("");
    report.line(text.substring(from + START.length(), to).strip());
    report.line("");
  }

  /** Issue 11's two goals, judged for every row. */
  private static String goals(List<Figures> figures) {
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            Locale.ROOT,
            "Goals (issue 11): **fresh**, 0 stale reads with the database at most %s of reads and"
                + " Redis at most %.0f MB at its peak; **latency-first**, at least %s of reads"
                + " without waiting, at most %s beyond %d s, Redis at most %.0f MB.%n%n",
            pct(FRESH_MAX_DATABASE_SHARE),
            FRESH_MAX_BYTES / 1e6,
            pct(LATENCY_MIN_UNWAITED),
            pct(LATENCY_MAX_BEYOND),
            EffectivenessReport.BOUND.toSeconds(),
            LATENCY_MAX_BYTES / 1e6));
    md.append("| configuration | fresh | latency-first |\n|---|---|---|\n");
    for (Figures f : figures) {
      boolean fresh =
          f.staleReads() == 0
              && f.share(f.loads()) <= FRESH_MAX_DATABASE_SHARE
              && f.peakBytes() <= FRESH_MAX_BYTES;
      boolean latency =
          1 - f.share(f.waited()) >= LATENCY_MIN_UNWAITED
              && f.share(f.staleBeyondBound()) <= LATENCY_MAX_BEYOND
              && f.peakBytes() <= LATENCY_MAX_BYTES;
      md.append("| ")
          .append(f.setup())
          .append(" | ")
          .append(fresh ? "met" : "missed")
          .append(" | ")
          .append(latency ? "met" : "missed")
          .append(" |\n");
    }
    md.append('\n');
    return md.toString();
  }

  private static String pct(double share) {
    return String.format(Locale.ROOT, "%.2f %%", 100 * share);
  }

  private static String seconds(long millis) {
    return millis < 10_000
        ? String.format(Locale.ROOT, "%.1f s", millis / 1e3)
        : String.format(Locale.ROOT, "%.0f s", millis / 1e3);
  }
}
