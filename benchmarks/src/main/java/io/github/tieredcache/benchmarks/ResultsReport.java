package io.github.tieredcache.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Writes {@code benchmarks/RESULTS.md} from the JMH JSON files {@code run.sh} leaves in {@code
 * benchmarks/results/}, one per suite and fork: {@code <suite>-f<n>.json}, where each file is one
 * JMH invocation that ran every row of the suite back to back, once.
 *
 * <p><b>Ratios.</b> A ratio between two rows counts only when both ran in the same invocation: for
 * each fork the ratio of the two rows' scores in that fork's file is computed, and the report gives
 * the median of those per-fork ratios with their minimum and maximum. Scores are the mean of every
 * measured iteration of every fork, with the half-width of the 99.9 % confidence interval (Student
 * t over the iterations, as JMH computes it across forks). Allocation is {@code gc.alloc.rate.norm}
 * of {@code -prof gc}, the median over forks.
 *
 * <p>Usage: {@code ResultsReport [--results DIR] [--out FILE]}; {@code DIR/run-info.properties}
 * (written by run.sh) supplies the mode, the commands and the machine's load; {@code
 * DIR/workload.json} the workload report; {@code DIR/logs/*.log} the reason a row failed.
 */
public final class ResultsReport {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern FORK_FILE = Pattern.compile("(.+)-f(\\d+)\\.json");

  /** One benchmark row of one fork. */
  record Row(
      String method,
      String mode,
      String unit,
      int threads,
      double score,
      double[] iterations,
      Map<String, Double> percentiles,
      Double allocNorm,
      JsonNode raw) {}

  /** All forks of one suite: fork number -> rows by key (method + " " + mode). */
  record Suite(String name, TreeMap<Integer, Map<String, Row>> forks) {
    List<Integer> forkNumbers() {
      return new ArrayList<>(forks.keySet());
    }

    List<Row> rows(String key) {
      List<Row> rows = new ArrayList<>();
      for (Map<String, Row> f : forks.values()) {
        Row r = f.get(key);
        if (r != null) {
          rows.add(r);
        }
      }
      return rows;
    }

    /** Returns the row keys in the order of the first fork that has them. */
    List<String> keys() {
      List<String> keys = new ArrayList<>();
      for (Map<String, Row> f : forks.values()) {
        for (String k : f.keySet()) {
          if (!keys.contains(k)) {
            keys.add(k);
          }
        }
      }
      return keys;
    }

    Row any() {
      for (Map<String, Row> f : forks.values()) {
        for (Row r : f.values()) {
          return r;
        }
      }
      return null;
    }
  }

  /** A ratio over forks: the median of the per-fork values, their min and max, how many. */
  record Ratio(double median, double min, double max, int forks) {
    static Ratio of(List<Double> values) {
      if (values.isEmpty()) {
        return null;
      }
      double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      double median =
          v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
      return new Ratio(median, v[0], v[v.length - 1], v.length);
    }

    String format(String digits) {
      String f = "%." + digits + "f";
      return String.format(Locale.ROOT, f + " [" + f + "–" + f + "]", median, min, max);
    }
  }

  private final Path results;
  private final Map<String, Suite> suites = new LinkedHashMap<>();
  private final Properties info = new Properties();
  private final Map<String, String> failures = new LinkedHashMap<>();
  private final StringBuilder md = new StringBuilder();
  private final List<String[]> budget = new ArrayList<>();

  ResultsReport(Path results) throws IOException {
    this.results = results;
    Path infoFile = results.resolve("run-info.properties");
    if (Files.exists(infoFile)) {
      try (var in = Files.newBufferedReader(infoFile)) {
        info.load(in);
      }
    }
    TreeMap<String, TreeMap<Integer, Map<String, Row>>> found = new TreeMap<>();
    try (Stream<Path> files = Files.list(results)) {
      for (Path file : files.sorted().toList()) {
        Matcher m = FORK_FILE.matcher(file.getFileName().toString());
        if (!m.matches()) {
          continue;
        }
        JsonNode array = MAPPER.readTree(file.toFile());
        Map<String, Row> rows = new LinkedHashMap<>();
        for (JsonNode b : array) {
          Row row = row(b);
          rows.put(row.method() + " " + row.mode(), row);
        }
        found
            .computeIfAbsent(m.group(1), k -> new TreeMap<>())
            .put(Integer.parseInt(m.group(2)), rows);
      }
    }
    found.forEach((name, forks) -> suites.put(name, new Suite(name, forks)));
    readFailures(results.resolve("logs"));
  }

  private static Row row(JsonNode b) {
    String benchmark = b.get("benchmark").asText();
    String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
    JsonNode pm = b.get("primaryMetric");
    List<Double> iterations = new ArrayList<>();
    JsonNode raw = pm.get("rawData");
    if (raw != null && raw.isArray()) {
      for (JsonNode fork : raw) {
        for (JsonNode it : fork) {
          iterations.add(it.asDouble());
        }
      }
    }
    Map<String, Double> percentiles = new LinkedHashMap<>();
    JsonNode p = pm.get("scorePercentiles");
    if (p != null) {
      p.properties().forEach(e -> percentiles.put(e.getKey(), e.getValue().asDouble()));
    }
    Double alloc = null;
    JsonNode secondary = b.get("secondaryMetrics");
    if (secondary != null) {
      for (Map.Entry<String, JsonNode> e : secondary.properties()) {
        if (e.getKey().replace("·", "").equals("gc.alloc.rate.norm")) {
          alloc = e.getValue().get("score").asDouble();
        }
      }
    }
    return new Row(
        method,
        b.get("mode").asText(),
        pm.get("scoreUnit").asText(),
        b.get("threads").asInt(),
        pm.get("score").asDouble(),
        iterations.stream().mapToDouble(Double::doubleValue).toArray(),
        percentiles,
        alloc,
        b);
  }

  /** Collects, from JMH's human-readable logs, the first line of each failed benchmark's error. */
  private void readFailures(Path logs) throws IOException {
    if (!Files.isDirectory(logs)) {
      return;
    }
    try (Stream<Path> files = Files.list(logs)) {
      for (Path file : files.sorted().toList()) {
        String current = null;
        boolean failed = false;
        for (String line : Files.readAllLines(file)) {
          if (line.startsWith("# Benchmark: ")) {
            String b = line.substring("# Benchmark: ".length()).trim();
            current = b.substring(b.lastIndexOf('.') + 1);
            failed = false;
          } else if (line.contains("<failure>")) {
            failed = true;
          } else if (failed && current != null && !line.isBlank()) {
            failures.putIfAbsent(current, line.trim());
            failed = false;
          }
        }
      }
    }
  }

  // ------------------------------------------------------------------------------ statistics

  /** Mean of every iteration of every fork, and the 99.9 % CI half-width over them. */
  static double[] meanAndError(List<Row> rows) {
    List<Double> all = new ArrayList<>();
    for (Row r : rows) {
      if (r.iterations().length > 0) {
        for (double d : r.iterations()) {
          all.add(d);
        }
      } else {
        all.add(r.score());
      }
    }
    int n = all.size();
    double mean = all.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    if (n < 2) {
      return new double[] {mean, Double.NaN};
    }
    double var = 0;
    for (double d : all) {
      var += (d - mean) * (d - mean);
    }
    var /= (n - 1);
    double t = new TDistribution(n - 1).inverseCumulativeProbability(1 - 0.001 / 2);
    return new double[] {mean, t * Math.sqrt(var / n)};
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length == 0
        ? Double.NaN
        : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** Per-fork ratio f(row in fork, reference in fork), over the forks that have both. */
  Ratio ratio(
      Suite suite, String key, String refKey, java.util.function.BiFunction<Row, Row, Double> f) {
    List<Double> values = new ArrayList<>();
    for (Map<String, Row> fork : suite.forks().values()) {
      Row r = fork.get(key);
      Row ref = fork.get(refKey);
      if (r != null && ref != null) {
        Double v = f.apply(r, ref);
        if (v != null && !v.isNaN()) {
          values.add(v);
        }
      }
    }
    return Ratio.of(values);
  }

  static Double allocOf(List<Row> rows) {
    double[] a =
        rows.stream().filter(r -> r.allocNorm() != null).mapToDouble(Row::allocNorm).toArray();
    return a.length == 0 ? null : median(a);
  }

  static double percentile(List<Row> rows, String p) {
    return median(
        rows.stream().mapToDouble(r -> r.percentiles().getOrDefault(p, Double.NaN)).toArray());
  }

  static String num(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    double a = Math.abs(v);
    String f =
        a >= 1000 ? "%,.0f" : a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : a >= 1 ? "%.3f" : "%.4f";
    return String.format(Locale.ROOT, f, v);
  }

  static String alloc(Double a) {
    return a == null ? "n/a" : String.format(Locale.ROOT, "%.1f", a);
  }

  static String minMax(List<Row> rows, ToDoubleFunction<Row> f) {
    double[] v = rows.stream().mapToDouble(f).toArray();
    if (v.length < 2) {
      return "";
    }
    return num(Arrays.stream(v).min().orElse(Double.NaN))
        + "–"
        + num(Arrays.stream(v).max().orElse(Double.NaN));
  }

  // ------------------------------------------------------------------------------ writing

  void line(String s) {
    md.append(s).append('\n');
  }

  String missing(String method) {
    String why = failures.get(method);
    return why == null
        ? "no result (the row did not run; see results/logs/)"
        : "failed: `" + why.replace("|", "\\|") + "`";
  }

  /**
   * A table of one suite's rows in one mode: score ± error, per-fork range, allocation, and the
   * ratio to the reference (median [min–max] of per-fork ratios).
   */
  void table(
      Suite suite,
      String mode,
      List<String> methods,
      String reference,
      String ratioTitle,
      java.util.function.BiFunction<Row, Row, Double> ratio,
      Map<String, String> notes) {
    line("| row | score | ± 99.9 % | forks min–max | unit | alloc B/op | " + ratioTitle + " |");
    line("|---|---:|---:|---:|---|---:|---|");
    String refKey = reference + " " + mode;
    List<String> notRun = new ArrayList<>();
    for (String method : methods) {
      String key = method + " " + mode;
      List<Row> rows = suite.rows(key);
      String note = notes.getOrDefault(method, "");
      String name =
          "`"
              + method
              + "`"
              + (method.equals(reference) ? " (reference)" : "")
              + (note.isEmpty() ? "" : " — " + note);
      if (rows.isEmpty()) {
        if (failures.containsKey(method) || method.equals(reference) || !notes.isEmpty()) {
          line("| " + name + " | " + missing(method) + " | | | | | |");
        } else {
          notRun.add("`" + method + "`");
        }
        continue;
      }
      double[] me = meanAndError(rows);
      Ratio r = method.equals(reference) ? null : ratio(suite, key, refKey, ratio);
      line(
          String.format(
              "| %s | %s | %s | %s | %s | %s | %s |",
              name,
              num(me[0]),
              num(me[1]),
              minMax(rows, Row::score),
              rows.get(0).unit(),
              alloc(allocOf(rows)),
              method.equals(reference)
                  ? "1"
                  : r == null ? "n/a" : r.format("3") + " (" + r.forks() + " forks)"));
    }
    line("");
    if (!notRun.isEmpty()) {
      line("Not run in this mode (`run.sh full` runs them): " + String.join(", ", notRun) + ".");
      line("");
    }
  }

  void write(Path out) throws IOException {
    String mode = info.getProperty("mode", "?");
    String linkDelay = info.getProperty("linkDelayUs", "");
    line(
        "# tiered-cache benchmark results"
            + (linkDelay.isEmpty() ? "" : " on delayed links (" + linkDelay + " µs each way)"));
    line("");
    if (!linkDelay.isEmpty()) {
      line(
          "Every client of these rows reaches every node through a link of the testkit's"
              + " `DelayedLinks`, which writes each chunk of bytes "
              + linkDelay
              + " µs after it read it, in each direction, so a round trip costs far more than on"
              + " loopback. The links are in user space because this machine's kernel has no"
              + " `sch_netem` (`CONFIG_NET_SCH_NETEM is not set`), so a network namespace with `tc"
              + " qdisc netem delay` cannot be made. The round trip really paid is the raw GET"
              + " row's time below: the configured delay twice, plus the links' timer slack and"
              + " thread hand-offs on this 2-core machine (a parked thread asked for 250 µs wakes"
              + " after about 330 µs here under load), so it is longer than the configured"
              + " 2 × delay; read the ratios, not the absolute times.");
      line("");
    }
    line(
        "Generated by `benchmarks/run.sh "
            + mode
            + "` ("
            + info.getProperty("started", "?")
            + " to "
            + info.getProperty("finished", "?")
            + ", "
            + info.getProperty("elapsedSeconds", "?")
            + " s in all). Do not edit: the next run rewrites this file; the JMH JSON it is made from is in "
            + "`benchmarks/"
            + results.getFileName()
            + "/`.");
    line("");
    machine();
    method();
    budgetSection();
    l0Section();
    remoteSection();
    bulkSection();
    if (info.getProperty("linkDelayUs", "").isEmpty()) {
      LatencyProfile.section(this, results);
    }
    peerSection();
    workloadSection();
    EffectivenessTable.quote(this, results);
    commandsSection();
    // The budget table goes near the top, but is known only after the suites.
    String text = md.toString().replace("@@BUDGET@@", budgetTable());
    Files.writeString(out, text);
  }

  /** A property of this run's {@code run-info.properties}. */
  String info(String key, String otherwise) {
    return info.getProperty(key, otherwise);
  }

  /** The suite of this run called {@code name}, or null. */
  @org.jspecify.annotations.Nullable
  Suite suite(String name) {
    return suites.get(name);
  }

  void machine() {
    line("## Machine");
    line("");
    Row any =
        suites.values().stream().map(Suite::any).filter(r -> r != null).findFirst().orElse(null);
    if (any != null) {
      JsonNode b = any.raw();
      line(
          "- JDK: "
              + b.path("vmName").asText()
              + " "
              + b.path("vmVersion").asText()
              + " (Java "
              + b.path("jdkVersion").asText()
              + "), JMH "
              + b.path("jmhVersion").asText()
              + "; fork JVM options: `"
              + String.join(" ", jvmArgs(b))
              + "`");
    }
    line(
        "- CPU: "
            + cpuModel()
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " cores visible to the JVM");
    line("- Memory: " + memTotal());
    line(
        "- OS: "
            + System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    line(
        "- Redis: "
            + info.getProperty("redis", "?")
            + ", a local cluster of 3 primaries + 3 replicas on 127.0.0.1 "
            + "started by the testkit for this run (`"
            + info.getProperty("nodes", "?")
            + "`)");
    line(
        "- Load average (1/5/15 min) before the run: "
            + info.getProperty("loadBefore", "?")
            + "; after: "
            + info.getProperty("loadAfter", "?")
            + ". The machine is shared; see the per-fork ranges.");
    line("");
  }

  static List<String> jvmArgs(JsonNode b) {
    List<String> args = new ArrayList<>();
    b.path("jvmArgs").forEach(a -> args.add(a.asText()));
    return args;
  }

  static String cpuModel() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (l.startsWith("model name")) {
          return l.substring(l.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    return System.getProperty("os.arch");
  }

  static String memTotal() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (l.startsWith("MemTotal:")) {
          long kb = Long.parseLong(l.replaceAll("[^0-9]", ""));
          return String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    return Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB max heap";
  }

  void method() {
    line("## How to read this");
    line("");
    line(
        "- Each suite ran as "
            + info.getProperty("forks", "?")
            + " separate JMH invocations (forks), one after "
            + "another in rounds: round 1 runs every suite once, then round 2, and so on. Within an invocation JMH runs "
            + "the rows of the suite back to back, each in a fresh JVM fork (`-f 1`).");
    line(
        "- A **ratio** is computed per fork, from two rows of the same invocation, then summarised as "
            + "**median [min–max]** over the forks. Ratios across invocations are never formed.");
    line(
        "- **score ± 99.9 %**: the mean over every measured iteration of every fork and the half-width of its "
            + "99.9 % confidence interval; **forks min–max**: the range of the per-fork scores.");
    line(
        "- **alloc B/op**: `gc.alloc.rate.norm` from `-prof gc` (median over forks): bytes allocated per "
            + "operation by the benchmark thread(s).");
    line("- Iterations: " + info.getProperty("iterations", "?") + ".");
    line("");
    line("## Budget (DESIGN.md)");
    line("");
    line("@@BUDGET@@");
  }

  void budgetSection() {
    // Filled in by the suite sections through budget(...).
  }

  void budget(
      String item,
      String budgetText,
      Ratio r,
      boolean higherIsBetter,
      double threshold,
      String digits,
      String note) {
    if (r == null) {
      budget.add(new String[] {item, budgetText, "n/a", "no result", note});
      return;
    }
    boolean pass = higherIsBetter ? r.median() >= threshold : r.median() <= threshold;
    boolean allForks = higherIsBetter ? r.min() >= threshold : r.max() <= threshold;
    boolean noFork = higherIsBetter ? r.max() < threshold : r.min() > threshold;
    String verdict;
    if (pass) {
      verdict = allForks ? "**pass**" : "**pass** (median; not every fork)";
    } else {
      double by =
          higherIsBetter
              ? (threshold - r.median()) / threshold
              : (r.median() - threshold) / threshold;
      verdict =
          String.format(
              Locale.ROOT, "**miss** by %.1f %%%s", 100 * by, noFork ? "" : " (some forks pass)");
    }
    budget.add(new String[] {item, budgetText, r.format(digits), verdict, note});
  }

  String budgetTable() {
    StringBuilder b = new StringBuilder();
    b.append("| path | budget | measured: median [min–max] over forks | verdict | measured as |\n");
    b.append("|---|---|---|---|---|\n");
    for (String[] row : budget) {
      b.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
    return b.toString();
  }

  // ------------------------------------------------------------------------------ suites

  static double thrptRatio(Row r, Row ref) {
    return r.score() / ref.score();
  }

  /** Time of the row relative to the reference, whatever the mode. */
  static double timeRatio(Row r, Row ref) {
    return r.mode().equals("thrpt") ? ref.score() / r.score() : r.score() / ref.score();
  }

  void l0Section() {
    line("## L0 hit (`L0HitBenchmark`)");
    line("");
    line(
        "A hit in the L0 of a cache built as the README builds it (its store behind the breaker, stats on, "
            + "meters bound, the L0's default 30 s lifetime, 20,000 entries) against two raw Caffeine caches with "
            + "the same bound: `caffeineNoExpiry` (no expiry: the fastest Caffeine there is, the time reference) and "
            + "`caffeineSameExpiry` (expire after write 30 s, the L0's own expiry: the throughput reference). "
            + "8,192 resident keys read in a Zipf (0.99) order drawn in `@Setup`. `tieredGetAsync` is the "
            + "asynchronous hit, which returns a completed future. `caffeineAsL0` (diagnostic) is raw Caffeine "
            + "configured as the L0 configures itself (fixed expiry on a millisecond ticker, eviction listener, "
            + "executor), holding the values themselves: the share of the gap that is Caffeine's expiry rather than "
            + "the cache's own code. Each subject is set up in its own fork only. Throughput, higher is better.");
    line("");
    List<String> methods =
        List.of(
            "tieredGet",
            "tieredGetIfPresent",
            "tieredGetAsync",
            "caffeineNoExpiry",
            "caffeineSameExpiry",
            "caffeineAsL0",
            "concurrentHashMapGet");
    for (int threads : new int[] {1, 2}) {
      Suite s = suites.get("l0-t" + threads);
      String t = threads + (threads == 1 ? " thread" : " threads");
      line("### " + t);
      line("");
      if (s == null) {
        line("No results.");
        line("");
        continue;
      }
      table(
          s,
          "thrpt",
          methods,
          "caffeineNoExpiry",
          "time vs raw Caffeine without expiry",
          ResultsReport::timeRatio,
          Map.of());
      for (String m : List.of("tieredGet", "tieredGetIfPresent")) {
        budget(
            "L0 hit, `" + m + "`, " + t,
            "≤ 1.25 × the time of raw Caffeine `getIfPresent`, no expiry",
            ratio(s, m + " thrpt", "caffeineNoExpiry thrpt", ResultsReport::timeRatio),
            false,
            1.25,
            "3",
            "time ratio to `caffeineNoExpiry`");
        budget(
            "L0 hit, `" + m + "`, " + t,
            "≥ 95 % of the throughput of raw Caffeine with the L0's expiry",
            ratio(s, m + " thrpt", "caffeineSameExpiry thrpt", ResultsReport::thrptRatio),
            true,
            0.95,
            "3",
            "throughput ratio to `caffeineSameExpiry`");
        budget(
            "L0 hit, `" + m + "`, " + t,
            "no allocation added per hit",
            ratio(s, m + " thrpt", "caffeineNoExpiry thrpt", ResultsReport::allocAdded),
            false,
            0.5,
            "2",
            "`gc.alloc.rate.norm` minus raw Caffeine's, B/op (≤ 0.5 counts as none)");
      }
      budget(
          "L0 hit, `tieredGetAsync`, " + t,
          "at most one small object per hit (its completed future)",
          ratio(s, "tieredGetAsync thrpt", "caffeineNoExpiry thrpt", ResultsReport::allocAdded),
          false,
          32,
          "1",
          "`gc.alloc.rate.norm` minus raw Caffeine's, B/op (a `CompletableFuture` is 24 B)");
    }
  }

  /** Bytes allocated per op by the row beyond the reference's, or null when either is unknown. */
  static @org.jspecify.annotations.Nullable Double allocAdded(Row r, Row ref) {
    return r.allocNorm() == null || ref.allocNorm() == null
        ? null
        : r.allocNorm() - ref.allocNorm();
  }

  void remoteSection() {
    Suite s = suites.get("remote");
    line("## Remote hit (`RemoteHitBenchmark`)");
    line("");
    line(
        "The path a user's remote hit takes: a cache built as the README builds it (the store behind the "
            + "breaker, the L0 on, meters bound), the key dropped from the L0 before each timed read (an untimed "
            + "per-invocation setup), so each timed `get` is an L0 miss, the breaker, one MGET, the decode and the "
            + "L0 fill. A hit in hot, in warm and in cold "
            + "(placed by age in `@Setup`; promotion off so a warm hit stays one), against raw Lettuce `GET` of the "
            + "same bytes plus the same Jackson decode (`rawGetDecode`), and a cold hit against the naive sequential "
            + "lookup (`naiveSequentialColdGet`: GET hot, then GET warm, then GET cold, each its own key). "
            + "Diagnostics (full runs): `rawMgetDecode` is raw Lettuce `MGET` of four keys of one slot (the command "
            + "the store sends per lookup); `storeReadDecode` is the store's `read` alone plus the decode; "
            + "`tieredHotGetOnRawClient` is the hot hit through `RedisTierStore.using(client)` on a client made as "
            + "the raw rows' is. "
            + RemoteHitBenchmark.KEYS
            + " keys per tier over every primary, read round-robin; the store is "
            + "`RedisTierStore.cluster(uris).build()` with its default options but for 5 s timeouts.");
    line("");
    if (s == null) {
      line("No results.");
      line("");
      return;
    }
    List<String> latency =
        List.of(
            "tieredHotGet",
            "tieredWarmGet",
            "tieredColdGet",
            "tieredHotGetOnRawClient",
            "storeReadDecode",
            "rawGetDecode",
            "rawMgetDecode",
            "naiveSequentialColdGet");
    // Quick runs the latency rows in sample-time mode only; the mean of its samples is then the
    // average.
    boolean hasAvgt = s.keys().stream().anyMatch(k -> k.endsWith(" avgt"));
    String avg = hasAvgt ? "avgt" : "sample";
    line("### Average time (lower is better)" + (hasAvgt ? "" : ": the mean of sample-time mode"));
    line("");
    if (!hasAvgt) {
      line(
          "This run measured the latency rows in sample-time mode only (as `run.sh quick` does); the score is "
              + "the mean of the samples, JMH's estimate of the same average time.");
      line("");
    }
    table(
        s,
        avg,
        latency,
        "rawGetDecode",
        "time vs raw GET + decode",
        ResultsReport::timeRatio,
        Map.of());
    line("### Sample time: percentiles");
    line("");
    line("| row | p50 | p90 | p99 | p99.9 | unit | p50 vs raw | p99 vs raw |");
    line("|---|---:|---:|---:|---:|---|---|---|");
    for (String m : latency) {
      List<Row> rows = s.rows(m + " sample");
      if (rows.isEmpty()) {
        continue;
      }
      Ratio p50 =
          ratio(
              s,
              m + " sample",
              "rawGetDecode sample",
              (r, ref) -> r.percentiles().get("50.0") / ref.percentiles().get("50.0"));
      Ratio p99 =
          ratio(
              s,
              m + " sample",
              "rawGetDecode sample",
              (r, ref) -> r.percentiles().get("99.0") / ref.percentiles().get("99.0"));
      line(
          String.format(
              "| `%s` | %s | %s | %s | %s | %s | %s | %s |",
              m,
              num(percentile(rows, "50.0")),
              num(percentile(rows, "90.0")),
              num(percentile(rows, "99.0")),
              num(percentile(rows, "99.9")),
              rows.get(0).unit(),
              m.equals("rawGetDecode") ? "1" : p50 == null ? "n/a" : p50.format("3"),
              m.equals("rawGetDecode") ? "1" : p99 == null ? "n/a" : p99.format("3")));
    }
    line("");
    line("Percentiles are the median over forks of each fork's percentile.");
    line("");
    line(
        "### Throughput with "
            + RemoteHitBenchmark.BATCH
            + " requests in flight (higher is better)");
    line("");
    Suite batch = suites.getOrDefault("remote-batch", s);
    table(
        batch,
        "thrpt",
        List.of("tieredHotGetAsyncBatch", "rawGetDecodeAsyncBatch"),
        "rawGetDecodeAsyncBatch",
        "throughput vs raw async GET + decode",
        ResultsReport::thrptRatio,
        Map.of());
    Ratio seq =
        ratio(
            s,
            "tieredColdGet " + avg,
            "naiveSequentialColdGet " + avg,
            (r, ref) -> ref.score() / r.score());
    line(
        "Cold hit vs the naive sequential lookup: **"
            + (seq == null ? "n/a" : seq.format("2"))
            + "× faster** (per-fork `naiveSequentialColdGet` / `tieredColdGet`, average time).");
    line("");
    for (String[] t :
        new String[][] {
          {"hot", "tieredHotGet"}, {"warm", "tieredWarmGet"}, {"cold", "tieredColdGet"}
        }) {
      budget(
          "remote hit, " + t[0] + " tier",
          "≤ 1.10 × raw Lettuce GET + decode",
          ratio(s, t[1] + " " + avg, "rawGetDecode " + avg, ResultsReport::timeRatio),
          false,
          1.10,
          "3",
          "average time of `" + t[1] + "` / `rawGetDecode`");
      budget(
          "remote hit, " + t[0] + " tier",
          "allocation within 1 KB of raw GET + decode",
          ratio(s, t[1] + " " + avg, "rawGetDecode " + avg, ResultsReport::allocAdded),
          false,
          1024,
          "0",
          "`gc.alloc.rate.norm` of `" + t[1] + "` minus `rawGetDecode`'s, B/op");
    }
    budget(
        "64 reads in flight",
        "≥ 0.9 × raw Lettuce async throughput",
        ratio(
            batch,
            "tieredHotGetAsyncBatch thrpt",
            "rawGetDecodeAsyncBatch thrpt",
            ResultsReport::thrptRatio),
        true,
        0.9,
        "3",
        "throughput of `tieredHotGetAsyncBatch` / `rawGetDecodeAsyncBatch`");
    budget(
        "cold-tier hit",
        "≥ 2.5 × faster than hot, warm, cold one after another",
        seq,
        true,
        2.5,
        "2",
        "average time of `naiveSequentialColdGet` / `tieredColdGet`");
  }

  void bulkSection() {
    Suite s = suites.get("bulk");
    line("## Bulk get (`BulkGetBenchmark`)");
    line("");
    line(
        "`getAll` of 100 keys spread over the 3 primaries (each dropped from the L0 first, untimed), against 100 `get`s one after another "
            + "and against raw Lettuce GETs of the same keys pipelined per node (auto-flush off, one flush, then await "
            + "and decode). "
            + BulkGetBenchmark.POOL
            + " hot-tier keys, read in windows of 100. Average time per batch "
            + "of 100, lower is better.");
    line("");
    if (s == null) {
      line("No results.");
      line("");
      return;
    }
    table(
        s,
        "avgt",
        List.of("tieredGetAll", "tieredSingleGets", "rawPipelinedGets", "rawPipelinedMgets"),
        "tieredSingleGets",
        "speedup over 100 single gets",
        (r, ref) -> ref.score() / r.score(),
        Map.of());
    Ratio vsRaw = ratio(s, "tieredGetAll avgt", "rawPipelinedGets avgt", ResultsReport::timeRatio);
    line(
        "`tieredGetAll` vs raw pipelined GETs: **"
            + (vsRaw == null ? "n/a" : vsRaw.format("2"))
            + "×** the time (per fork `tieredGetAll` / `rawPipelinedGets`).");
    line("");
    budget(
        "bulk get of 100 keys",
        "≥ 10 × faster than 100 single gets",
        ratio(s, "tieredGetAll avgt", "tieredSingleGets avgt", (r, ref) -> ref.score() / r.score()),
        true,
        10,
        "2",
        "average time of `tieredSingleGets` / `tieredGetAll`");
    budget(
        "bulk get of 100 keys, by node",
        "≤ 1.25 × raw Lettuce MGETs per slot pipelined per node",
        ratio(s, "tieredGetAll avgt", "rawPipelinedMgets avgt", ResultsReport::timeRatio),
        false,
        1.25,
        "2",
        "average time of `tieredGetAll` / `rawPipelinedMgets`");
    commandCounts();
  }

  /** What one getAll(100) sent to each primary, from {@code BulkCommandCounts}. */
  void commandCounts() {
    Path file = results.resolve("getall-commands.properties");
    line("### What one `getAll` of 100 keys sends to each primary");
    line("");
    if (!Files.exists(file)) {
      line("Not measured in this run (`BulkCommandCounts` runs with the bulk suite).");
      line("");
      return;
    }
    Properties counts = new Properties();
    try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      counts.load(reader);
    } catch (IOException e) {
      line("Could not read " + file + ": " + e);
      line("");
      return;
    }
    java.util.SortedSet<String> nodes = new java.util.TreeSet<>();
    for (String name : counts.stringPropertyNames()) {
      nodes.add(nodeOf(name));
    }
    line(
        "From `INFO commandstats` of every primary, reset just before one `getAll` of 100 hot keys "
            + "(dropped from the L0; the caches' connections made by an earlier `getAll`), by "
            + "`BulkCommandCounts` on the same cluster. Commands of the measurement itself "
            + "(`config|resetstat`, and the `hello` and `info` of the connection that reads the "
            + "statistics) are left out. Each key is a slot of its own here, so one MGET per key "
            + "(of its 3 tiers and its generation); they reach each node in one flush, which "
            + "statistics cannot show.");
    line("");
    line("| primary | keys | their slots | MGET calls | other commands |");
    line("|---|---|---|---|---|");
    for (String node : nodes) {
      StringBuilder other = new StringBuilder();
      String prefix = node + ".cmd.";
      for (String name : new java.util.TreeSet<>(counts.stringPropertyNames())) {
        if (name.startsWith(prefix)) {
          String command = name.substring(prefix.length());
          if (!command.equals("mget")
              && !command.startsWith("config")
              && !command.equals("info")
              && !command.equals("hello")) {
            other
                .append(other.length() == 0 ? "" : ", ")
                .append('`')
                .append(command)
                .append("` ")
                .append(counts.getProperty(name));
          }
        }
      }
      line(
          "| "
              + node
              + " | "
              + counts.getProperty(node + ".keys", "0")
              + " | "
              + counts.getProperty(node + ".slots", "0")
              + " | "
              + counts.getProperty(prefix + "mget", "0")
              + " | "
              + (other.length() == 0 ? "none" : other)
              + " |");
    }
    line("");
  }

  /** The {@code host:port} a {@code BulkCommandCounts} property name starts with. */
  private static String nodeOf(String property) {
    int keys = property.indexOf(".keys");
    int slots = property.indexOf(".slots");
    int cmd = property.indexOf(".cmd.");
    int end = keys >= 0 ? keys : slots >= 0 ? slots : cmd;
    return property.substring(0, end);
  }

  void peerSection() {
    Suite s = suites.get("peer");
    line("## Peers (`PeerBenchmark`)");
    line("");
    line(
        "The same two workloads through the caches users would pick instead, each set up as its documentation "
            + "shows, against the same local cluster, with tiered-cache's own rows (over Redis) in the same "
            + "invocation as the reference. The ratio is the peer's **time per read relative to tiered-cache's** "
            + "(> 1: the peer is slower).");
    line("");
    if (s == null) {
      line("No results.");
      line("");
      return;
    }
    line("### L0 hit (throughput, higher is better)");
    line("");
    line(
        "8,192 resident keys, Zipf order, 1 thread; every in-process level bounded to 10,000 entries and 1 h.");
    line("");
    Map<String, String> l0Notes = new LinkedHashMap<>();
    l0Notes.put("l0TieredCache", "tiered-cache `get`, L0 over a `RedisTierStore`, meters bound");
    l0Notes.put(
        "l0SpringCaffeine",
        "Spring `CaffeineCacheManager` cache `get(key)` (what `@Cacheable` calls)");
    l0Notes.put(
        "l0RedissonLocalCachedMap",
        "Redisson " + redissonVersion() + " `RLocalCachedMap.get` (LFU, size, TTL)");
    l0Notes.put(
        "l0JetCacheTwoLevel",
        "JetCache " + jetcacheVersion() + " two-level (Caffeine + Lettuce) `get`");
    table(
        s,
        "thrpt",
        new ArrayList<>(l0Notes.keySet()),
        "l0TieredCache",
        "peer time / tiered-cache time",
        ResultsReport::timeRatio,
        l0Notes);
    line(
        "- Spring `RedisCacheManager`: no row; it has no in-process level (every read is a Redis GET).");
    line("");
    line("### Remote hit (average time, lower is better)");
    line("");
    line(PeerBenchmark.REMOTE_KEYS + " keys, read round-robin, no in-process level involved.");
    line("");
    Map<String, String> remoteNotes = new LinkedHashMap<>();
    remoteNotes.put(
        "remoteTieredCache",
        "tiered-cache `get` as a user builds the cache (breaker, L0 on, the key dropped from the L0 first), a hot-tier hit (MGET of 4 keys, JSON)");
    remoteNotes.put(
        "remoteSpringRedis",
        "Spring `RedisCacheManager` cache `get(key)` on `LettuceConnectionFactory` (cluster), JDK serialization (its default)");
    remoteNotes.put(
        "remoteRedissonMap",
        "Redisson `RMap.get`: the HGET `RLocalCachedMap` makes on a local miss; one hash, so one slot; Kryo 5 (its default codec), reads from replicas (its default)");
    remoteNotes.put(
        "remoteJetCache",
        "JetCache remote level `RedisLettuceCache.get` (what its two-level cache reads on a local miss), Java serialization");
    table(
        s,
        "avgt",
        new ArrayList<>(remoteNotes.keySet()),
        "remoteTieredCache",
        "peer time / tiered-cache time",
        ResultsReport::timeRatio,
        remoteNotes);
    line("- Spring `CaffeineCacheManager`: no row; it has no remote level.");
    line("");
  }

  String redissonVersion() {
    return versionOf("org.redisson", "redisson");
  }

  String jetcacheVersion() {
    return versionOf("com.alicp.jetcache", "jetcache-core");
  }

  /**
   * Returns the version of a dependency on this classpath, from the pom.properties its jar carries.
   */
  static String versionOf(String group, String artifact) {
    String resource = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
    try (var in = ResultsReport.class.getClassLoader().getResourceAsStream(resource)) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        return p.getProperty("version", "");
      }
    } catch (IOException e) {
      // fall through
    }
    return "";
  }

  void workloadSection() {
    line("## Post workload (`WorkloadReport`)");
    line("");
    Path file = results.resolve("workload.json");
    if (!Files.exists(file)) {
      line("Not run.");
      line("");
      return;
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      line("Unreadable: " + e.getMessage());
      return;
    }
    JsonNode o = root.path("options");
    line(
        String.format(
            Locale.ROOT,
            "Not JMH: %d reader threads (for tiered-cache spread over %d instances of the cache sharing the cluster), each %,d reads of warm-up from empty caches (not counted) then %,d counted "
                + "reads (the same trace for every set-up; a set-up is cut off after %d s in all, which only the no-cache "
                + "one reaches); %,d older posts (a fifth 1–24 h old, the rest 1–30 days) and %,d from the last hour, %.0f new "
                + "posts a second and %.0f edits a second of popular young posts (the database first, then the set-up is "
                + "told: only the invalidation set-up acts on it; a read is stale when it answers an older version more "
                + "than %d ms after the edit); %.0f %% of reads to posts under an hour old (Zipf by recency), two thirds of the rest to "
                + "the hours-old posts and a third to the days-old ones (Zipf); a miss runs a "
                + "loader that sleeps %.0f–%.0f ms like a database query. Each set-up ran on a flushed cluster; memory "
                + "is `used_memory` summed over the primaries, after minus before (warm-up included), and per post "
                + "loaded (each load stores one copy).",
            o.path("threads").asInt(),
            o.path("instances").asInt(),
            o.path("warmupReadsPerThread").asLong(),
            o.path("readsPerThread").asLong(),
            o.path("maxSecondsPerPhase").asInt(),
            o.path("oldPosts").asInt(),
            o.path("youngPosts").asInt(),
            o.path("newPostsPerSecond").asDouble(),
            o.path("updatesPerSecond").asDouble(),
            o.path("staleAfterMillis").asLong(),
            100 * o.path("youngShare").asDouble(),
            o.path("queryMsMin").asDouble(),
            o.path("queryMsMax").asDouble()));
    line("");
    line(
        "| set-up | reads (reads/s) | loader calls (share of reads) | stale reads (share) | hit ratio per tier (share of all reads it answered) | Redis memory Δ (per post loaded) | mean | p50 | p99 | p99.9 |");
    line("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|");
    for (JsonNode r : root.path("results")) {
      StringBuilder tiers = new StringBuilder();
      for (JsonNode t : r.path("tiers")) {
        if (tiers.length() > 0) {
          tiers.append("; ");
        }
        tiers.append(
            String.format(
                Locale.ROOT,
                "%s %.1f %% (%.1f %%)",
                t.path("tier").asText(),
                100 * t.path("hitRatio").asDouble(),
                100 * t.path("servedShare").asDouble()));
      }
      JsonNode l = r.path("latencyMicros");
      line(
          String.format(
              Locale.ROOT,
              "| **%s** — %s | %,d (%,.0f/s) | %,d (%.2f %%) | %,d (%.2f %%) | %s | %s (%,.0f B) | %,.0f µs | %,d µs | %,d µs | %,d µs |",
              r.path("name").asText(),
              r.path("description").asText(),
              r.path("reads").asLong(),
              r.path("readsPerSecond").asDouble(),
              r.path("loaderCalls").asLong(),
              100 * r.path("loaderShare").asDouble(),
              r.path("staleReads").asLong(),
              100 * r.path("staleShare").asDouble(),
              tiers.length() == 0 ? "—" : tiers.toString(),
              bytes(r.path("redisMemoryDelta").asLong()),
              r.path("redisBytesPerLoadedPost").asDouble(),
              l.path("mean").asDouble(),
              l.path("p50").asLong(),
              l.path("p99").asLong(),
              l.path("p999").asLong()));
    }
    line("");
  }

  static String bytes(long b) {
    if (Math.abs(b) >= 1 << 20) {
      return String.format(Locale.ROOT, "%+.1f MiB", b / 1048576.0);
    }
    if (Math.abs(b) >= 1 << 10) {
      return String.format(Locale.ROOT, "%+.1f KiB", b / 1024.0);
    }
    return String.format(Locale.ROOT, "%+d B", b);
  }

  void commandsSection() {
    line("## Commands");
    line("");
    line("```");
    line("benchmarks/run.sh " + info.getProperty("mode", "?"));
    line("```");
    line("");
    line("which ran, in this order:");
    line("");
    line("```");
    Path commands = results.resolve("commands.txt");
    try {
      if (Files.exists(commands)) {
        for (String c : Files.readAllLines(commands)) {
          line(c);
        }
      }
    } catch (IOException e) {
      line("(commands.txt unreadable: " + e.getMessage() + ")");
    }
    line("```");
    if (!failures.isEmpty()) {
      line("");
      line(
          "Rows that failed, with the first line of their error (full text in `benchmarks/results/logs/`):");
      line("");
      failures.forEach((m, why) -> line("- `" + m + "`: `" + why + "`"));
    }
  }

  public static void main(String[] args) throws IOException {
    Path results = Path.of("benchmarks/results");
    Path out = Path.of("benchmarks/RESULTS.md");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--results" -> results = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default ->
            throw new IllegalArgumentException("usage: ResultsReport [--results DIR] [--out FILE]");
      }
    }
    ResultsReport report = new ResultsReport(results);
    report.write(out);
    System.out.println("# wrote " + out);
    for (String[] b : report.budget) {
      System.out.println("# budget: " + b[0] + ": " + b[2] + " -> " + b[3].replace("*", ""));
    }
  }
}
