package io.github.tieredcache.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.tieredcache.Admission;
import io.github.tieredcache.Freshness;
import io.github.tieredcache.Promotion;
import io.github.tieredcache.Tier;
import io.github.tieredcache.Tiers;
import io.github.tieredcache.benchmarks.EffectivenessRun.Figures;
import io.github.tieredcache.benchmarks.EffectivenessRun.OnEdit;
import io.github.tieredcache.benchmarks.EffectivenessRun.Setup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Database reads per byte of Redis: the post trace ({@link PostTrace}, issue 11's workload) run
 * through each configuration below on virtual time ({@link EffectivenessRun}), and the table that
 * compares them, written to {@code benchmarks/RESULTS-effectiveness.md} (and JSON in {@code
 * benchmarks/results-effectiveness/}); {@code ResultsReport} quotes its headline table in {@code
 * RESULTS.md}. No Redis: the store is the in-memory one, whose bytes are what Redis would hold as
 * keys and values. The same seed gives the same figures on any machine; only the wall time varies.
 *
 * <pre>
 * java -Xmx8g -cp benchmarks/target/benchmarks.jar \
 *     io.github.tieredcache.benchmarks.EffectivenessReport [--hours 72] [--warmup-hours 24] \
 *     [--reads-per-second 200] [--threads 2] [--only "name;name"] [--out benchmarks]
 * </pre>
 */
public final class EffectivenessReport {

  /** The staleness a read may show before it counts as beyond the bound. */
  static final Duration BOUND = Duration.ofSeconds(60);

  private static final Admission ON_SECOND_REQUEST = Admission.onSecondRequest(1 << 18);

  private EffectivenessReport() {}

  /** The configurations, in the order of the table. */
  static List<Setup> setups() {
    Tiers byInvalidation = Tiers.forInvalidation();
    Tier hot = byInvalidation.get(0);
    Tier warm = byInvalidation.get(1);
    Tier cold = byInvalidation.get(2);
    Duration hour = Duration.ofHours(1);
    Tiers admitting = Tiers.of(hot, warm, cold.admission(ON_SECOND_REQUEST));
    Freshness ttl = Freshness.byTtl();
    Freshness invalidation = Freshness.byInvalidation();
    Tiers ttlTiers = Tiers.hotWarmCold();
    return List.of(
        new Setup(
            "defaults, expiry only",
            "`Tiers.hotWarmCold()` (TTL 60 s / 1 h / 24 h), freshness by TTL, the default promotion"
                + " (none, by TTL); an edit reaches the cache only when its copies expire",
            ttl,
            ttlTiers,
            OnEdit.NOTHING,
            true),
        new Setup(
            "defaults + invalidate",
            "the same, and `invalidate` on every edit",
            ttl,
            ttlTiers,
            OnEdit.INVALIDATE,
            true),
        new Setup(
            "defaults + invalidate, copying promotion",
            "the same with warm hits copied to hot (`Promotion.warmToHot()`, the default before"
                + " this report)",
            ttl,
            ttlTiers,
            OnEdit.INVALIDATE,
            true,
            Promotion.warmToHot()),
        new Setup(
            "defaults + invalidate, moving promotion",
            "the same with `Promotion.warmToHot().moving()`: by TTL a promoted copy keeps its warm"
                + " copy's fresh-until, capped by the hot TTL, and the warm copy is gone",
            ttl,
            ttlTiers,
            OnEdit.INVALIDATE,
            true,
            Promotion.<String>warmToHot().moving()),
        new Setup(
            "invalidation mode",
            "`Freshness.byInvalidation()` with `Tiers.forInvalidation()` (TTL 1 h / 1 h / 24 h bound"
                + " residency), `invalidate` on every edit, the default promotion (warm hits moved"
                + " to hot, `Promotion.warmToHot().moving()`)",
            invalidation,
            byInvalidation,
            OnEdit.INVALIDATE,
            true),
        new Setup(
            "invalidation mode, copying promotion",
            "the same with warm hits copied to hot (the default before this report)",
            invalidation,
            byInvalidation,
            OnEdit.INVALIDATE,
            true,
            Promotion.warmToHot()),
        new Setup(
            "invalidation mode, no promotion",
            "the same with `Promotion.never()`",
            invalidation,
            byInvalidation,
            OnEdit.INVALIDATE,
            true,
            Promotion.never()),
        new Setup(
            "+ cold admission",
            "invalidation mode, the cold tier admitting a key on its second miss"
                + " (`Admission.onSecondRequest(262144)`)",
            invalidation,
            Tiers.of(hot, warm, cold.admission(ON_SECOND_REQUEST)),
            OnEdit.INVALIDATE,
            true),
        new Setup(
            "+ put on edit",
            "invalidation mode, cold admission, and `put` of the edited post on every edit (as"
                + " `@CachePut` does) instead of `invalidate`",
            invalidation,
            admitting,
            OnEdit.PUT,
            true),
        new Setup(
            "+ stale window",
            "the same, hot and warm copies served for 1 h past their TTL while a refresh runs"
                + " (`Tier.staleWindow`): an edited key's copies are replaced, so what this serves"
                + " is never older than an edit",
            invalidation,
            Tiers.of(
                hot.staleWindow(hour), warm.staleWindow(hour), cold.admission(ON_SECOND_REQUEST)),
            OnEdit.PUT,
            true),
        new Setup(
            "+ refresh-ahead",
            "put on edit and cold admission, hot and warm copies refreshed in the background when"
                + " read in their last 10 min (`Tier.refreshAhead`): a key read often never waits"
                + " at its expiry, and serves nothing older than an edit",
            invalidation,
            Tiers.of(
                hot.refreshAhead(Duration.ofMinutes(10)),
                warm.refreshAhead(Duration.ofMinutes(10)),
                cold.admission(ON_SECOND_REQUEST)),
            OnEdit.PUT,
            true),
        new Setup(
            "+ put on edit, cold TTL 6 h",
            "put on edit and cold admission, the cold tier's TTL 6 h instead of 24 h: Redis memory"
                + " bought back with database reads",
            invalidation,
            Tiers.of(hot, warm, cold.ttl(Duration.ofHours(6)).admission(ON_SECOND_REQUEST)),
            OnEdit.PUT,
            true),
        new Setup(
            "+ put on edit, cold TTL 2 h",
            "the same with a cold TTL of 2 h",
            invalidation,
            Tiers.of(hot, warm, cold.ttl(Duration.ofHours(2)).admission(ON_SECOND_REQUEST)),
            OnEdit.PUT,
            true),
        new Setup(
            "one Redis tier, 24 h",
            "a plain Redis TTL cache: one tier, TTL 24 h, no L0, edits reach it by expiry",
            ttl,
            Tiers.of(Tier.named("redis").ttl(Duration.ofHours(24))),
            OnEdit.NOTHING,
            false));
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    Duration length = Duration.ofHours(Long.parseLong(options.getOrDefault("hours", "72")));
    Duration warmup = Duration.ofHours(Long.parseLong(options.getOrDefault("warmup-hours", "24")));
    PostTrace.Shape issue = PostTrace.Shape.issue();
    PostTrace.Shape shape =
        new PostTrace.Shape(
            issue.postsPerHour(),
            issue.oldDays(),
            Integer.parseInt(
                options.getOrDefault("reads-per-second", String.valueOf(issue.readsPerSecond()))),
            issue.youngShare(),
            issue.hoursShare(),
            issue.editsPerPostFirstHour(),
            issue.seed());
    int threads = Integer.parseInt(options.getOrDefault("threads", "2"));
    Path out = Path.of(options.getOrDefault("out", "benchmarks"));
    List<String> only =
        options.containsKey("only") ? List.of(options.get("only").split(";")) : List.of();
    List<Setup> setups =
        setups().stream().filter(s -> only.isEmpty() || only.contains(s.name())).toList();
    if (setups.isEmpty()) {
      throw new IllegalArgumentException(
          "--only names none of " + setups().stream().map(Setup::name).toList());
    }

    Instant started = Instant.now();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<Figures>> running = new ArrayList<>();
    for (Setup setup : setups) {
      running.add(
          pool.submit(() -> new EffectivenessRun(setup, shape, length, warmup, BOUND).run()));
    }
    List<Figures> figures = new ArrayList<>();
    try {
      for (Future<Figures> f : running) {
        Figures done = f.get();
        System.out.printf(
            Locale.ROOT,
            "%-26s database %.2f %%, Redis %.1f MB mean, stale %.2f %% (%.1f s)%n",
            done.setup(),
            100 * done.share(done.loads()),
            done.meanBytes() / 1e6,
            100 * done.share(done.staleReads()),
            done.wallSeconds());
        figures.add(done);
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("a run failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
    long wall = Duration.between(started, Instant.now()).toSeconds();
    String command = command(args);
    Path results = out.resolve("results-effectiveness");
    Files.createDirectories(results);
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(
            results.resolve("effectiveness.json").toFile(),
            Map.of(
                "command", command,
                "started", started.toString(),
                "wallSeconds", wall,
                "hours", length.toHours(),
                "warmupHours", warmup.toHours(),
                "shape", shape,
                "figures", figures));
    Files.writeString(
        out.resolve("RESULTS-effectiveness.md"),
        EffectivenessTable.markdown(figures, shape, length, warmup, command, started, wall));
    System.out.println("wrote " + out.resolve("RESULTS-effectiveness.md"));
  }

  private static String command(String[] args) {
    StringBuilder b =
        new StringBuilder(
            "java -Xmx8g -cp benchmarks/target/benchmarks.jar"
                + " io.github.tieredcache.benchmarks.EffectivenessReport");
    for (String a : args) {
      b.append(' ').append(a);
    }
    return b.toString();
  }

  private static Map<String, String> options(String[] args) throws IOException {
    Map<String, String> given = new HashMap<>();
    List<String> known =
        List.of("hours", "warmup-hours", "reads-per-second", "threads", "only", "out");
    for (int i = 0; i < args.length; i++) {
      String name = args[i].startsWith("--") ? args[i].substring(2) : "";
      if (!known.contains(name) || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "usage: EffectivenessReport [--"
                + String.join(" value] [--", known)
                + " value]; bad: "
                + args[i]);
      }
      given.put(name, args[++i]);
    }
    return given;
  }
}
