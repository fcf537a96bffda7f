package io.github.tieredcache.examples;

import io.github.tieredcache.Tier;
import io.github.tieredcache.stats.CacheStats;
import io.github.tieredcache.stats.TierStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Formats a {@link Simulation.Result} as an aligned text table and a one-line summary. */
public final class Report {

  private Report() {}

  /** Returns the report, lines ending in {@code \n}. */
  public static String format(Simulation.Result result) {
    Options o = result.options();
    CacheStats stats = result.stats();
    Simulation.Run cached = result.cached();
    Simulation.Run plain = result.baseline();
    StringBuilder out = new StringBuilder();

    line(
        out,
        "tiered-cache quickstart: a simulated post workload through TieredCache<String, Post>");
    line(out, "  store    %s: %s", o.store(), result.storeDescription());
    line(out, "  tiers    %s; L0 Caffeine in front", describe(result));
    line(
        out,
        "  posts    %s at the start (%s under an hour old, the rest hours to days old), %s created during the run",
        n(result.initialPosts()),
        n(result.initialYoung()),
        n(result.newPosts()));
    line(
        out,
        "  reads    %s on %d threads over %s simulated; 70 %% to posts under an hour old, Zipf popularity",
        n(cached.reads()),
        Math.min(o.threads(), cached.reads()),
        duration(cached.simulatedTime()));
    line(
        out,
        "  updates  %s (database write, then %s); loader sleeps %s-%s ms; seed %d",
        n(cached.updates()),
        switch (o.onUpdate()) {
          case "put" -> "cache.put";
          case "invalidate" -> "cache.invalidate";
          default -> "nothing: the cache learns of it when a TTL ends";
        },
        millis(o.minQueryTime()),
        millis(o.maxQueryTime()),
        o.seed());
    line(out, "");

    line(out, "Where the tiered cache answered reads");
    String rowFormat = "  %-8s %12s %9s %11s";
    line(out, rowFormat, "tier", "reads", "share", "hit ratio");
    for (TierStats tier : stats.tiers()) {
      long served = result.served(tier.tier());
      line(
          out,
          rowFormat,
          tier.tier(),
          n(served),
          percent(share(served, stats.requests())),
          percent(share(served, tier.requests())));
    }
    long shared = stats.coalesced();
    long toLoader = stats.loads() + shared;
    line(out, rowFormat, "loader", n(toLoader), percent(share(toLoader, stats.requests())), "-");
    if (shared > 0) {
      line(
          out,
          "  (loader: reads no tier answered; %s loader calls, and %s reads that waited for a concurrent",
          n(stats.loads()),
          n(shared));
      line(out, "   read of the same key instead of calling it: single flight)");
    }
    if (result.redis() != null && result.outOfDateTotal() > 0) {
      String tiers =
          result.outOfDateCopies().entrySet().stream()
              .filter(e -> e.getValue() > 0)
              .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
              .map(e -> e.getKey() + " " + n(e.getValue()))
              .collect(Collectors.joining(", "));
      line(
          out,
          "  (%s lookups found a copy Redis still held but past its simulated lifetime by its",
          n(result.outOfDateTotal()));
      line(
          out,
          "   envelope (%s); the cache counted each as a miss, loaded the post and overwrote the copy)",
          tiers);
    }
    line(out, "");

    line(out, "Tiered cache vs no cache");
    String cmpFormat = "  %-24s %14s %14s";
    line(out, cmpFormat, "", "tiered cache", plain == null ? "" : "no cache");
    line(out, cmpFormat, "reads", n(cached.reads()), plain == null ? "" : n(plain.reads()));
    line(
        out,
        cmpFormat,
        "loader calls",
        n(stats.loads()),
        plain == null ? "" : n(plain.loaderCalls()));
    line(
        out,
        cmpFormat,
        "loader calls per read",
        ratio(share(stats.loads(), cached.reads())),
        plain == null ? "" : ratio(share(plain.loaderCalls(), plain.reads())));
    line(
        out,
        cmpFormat,
        "promotions" + promotionNames(stats),
        n(promotions(stats)),
        plain == null ? "" : "-");
    line(
        out,
        cmpFormat,
        "stale reads",
        n(cached.staleReads()),
        plain == null ? "" : n(plain.staleReads()));
    line(
        out,
        cmpFormat,
        "read latency p50",
        nanos(cached.latency().p50()),
        plain == null ? "" : nanos(plain.latency().p50()));
    line(
        out,
        cmpFormat,
        "read latency p99",
        nanos(cached.latency().p99()),
        plain == null ? "" : nanos(plain.latency().p99()));
    line(
        out,
        cmpFormat,
        "wall time",
        seconds(cached.wallTime()),
        plain == null ? "" : seconds(plain.wallTime()));
    if (plain != null && plain.reads() < cached.reads()) {
      line(
          out,
          "  (no cache: the first %s reads of the same workload; every read there calls the loader)",
          n(plain.reads()));
    }
    line(out, "");
    if (result.redis() != null) {
      redis(out, result);
      line(out, "");
    }
    out.append(summary(result)).append('\n');
    return out.toString();
  }

  /**
   * The Redis section: memory, keys and round trips of the cached run, and what the clocks mean.
   */
  private static void redis(StringBuilder out, Simulation.Result result) {
    Simulation.RedisRun redis = result.redis();
    CacheStats stats = result.stats();
    line(
        out,
        "What the cached run did on Redis (INFO before and after it%s)",
        redis.local() ? "" : "; other clients' traffic included");
    String format = "  %-24s %14s   %s";
    String backlog =
        redis.replicationBuffers() < 64 * 1024
            ? ""
            : "; " + bytes(redis.replicationBuffers()).substring(1) + " of it replication backlog";
    line(
        out,
        format,
        "memory used",
        bytes(redis.usedMemory()),
        String.format(
            Locale.ROOT,
            "used_memory summed over the %d %s%s",
            redis.primaries(),
            redis.primaries() == 1 ? "primary" : "primaries",
            backlog));
    line(
        out,
        format,
        "keys",
        signed(redis.keys()),
        "copies and generations, under " + redis.keyPrefix() + ":");
    long lookups = stats.tier(result.tiers().get(0).name()).map(TierStats::requests).orElse(0L);
    line(
        out,
        format,
        "remote lookups",
        n(lookups),
        "one MGET round trip each, whatever the tier (Redis ran "
            + n(redis.calls("mget"))
            + " MGET)");
    long scripts = redis.calls("evalsha") + redis.calls("eval");
    long messages = redis.calls("spublish") + redis.calls("publish");
    line(
        out,
        format,
        "remote writes",
        n(scripts + messages),
        String.format(
            Locale.ROOT,
            "%s Lua scripts (loads, promotions, puts), %s invalidation messages (SPUBLISH on Redis 7,"
                + " PUBLISH before)",
            n(scripts),
            n(messages)));
    if (stats.remoteErrors() > 0) {
      line(
          out,
          format,
          "remote errors",
          n(stats.remoteErrors()),
          "failed or timed out: a lookup that fails goes to the loader, a write is dropped");
    }
    Simulation.Run cached = result.cached();
    line(
        out,
        "  (Two clocks: the run covers %s of simulated time in %s. The cache dates and judges copies",
        duration(cached.simulatedTime()),
        seconds(cached.wallTime()));
    line(
        out,
        "   on the simulated clock, but Redis expires them in real time after the same TTLs, so copies");
    line(
        out,
        "   outlive their simulated lifetime there: the memory above is all the run wrote. With one");
    line(out, "   clock, as in production, Redis drops a copy when its envelope ends.)");
  }

  /** Returns the one-line summary. */
  public static String summary(Simulation.Result result) {
    CacheStats stats = result.stats();
    Simulation.Run cached = result.cached();
    Simulation.Run plain = result.baseline();
    double saved = 1.0 - share(stats.loads(), cached.reads());
    long remote = 0;
    for (int i = 1; i < stats.tiers().size(); i++) {
      remote += result.served(stats.tiers().get(i).tier());
    }
    String text =
        String.format(
            Locale.ROOT,
            "Summary: %s of %s reads reached the loader (%s of loader calls saved; %s answered by L0, %s by"
                + " the remote tiers)",
            n(stats.loads()),
            n(cached.reads()),
            percent(saved),
            percent(share(result.served("l0"), stats.requests())),
            percent(share(remote, stats.requests())));
    if (plain != null) {
      text +=
          String.format(
              Locale.ROOT,
              "; read p50 %s vs %s and p99 %s vs %s without a cache",
              nanos(cached.latency().p50()),
              nanos(plain.latency().p50()),
              nanos(cached.latency().p99()),
              nanos(plain.latency().p99()));
    }
    return text + ".";
  }

  private static String describe(Simulation.Result result) {
    List<String> parts = new ArrayList<>();
    for (Tier tier : result.tiers()) {
      String age = tier.maxAge() == null ? "older" : "< " + duration(tier.maxAge());
      parts.add(tier.name() + " (" + age + ", TTL " + duration(tier.ttl()) + ")");
    }
    return String.join(", ", parts);
  }

  private static long promotions(CacheStats stats) {
    return stats.promotions().values().stream().mapToLong(Long::longValue).sum();
  }

  private static String promotionNames(CacheStats stats) {
    Map<String, Long> p = stats.promotions();
    return p.isEmpty()
        ? ""
        : p.keySet().stream().sorted().collect(Collectors.joining(", ", " (", ")"));
  }

  private static double share(long part, long whole) {
    return whole == 0 ? 0.0 : (double) part / whole;
  }

  private static void line(StringBuilder out, String format, Object... args) {
    out.append(String.format(Locale.ROOT, format, args).stripTrailing()).append('\n');
  }

  private static String n(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  private static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.1f %%", 100 * fraction);
  }

  private static String ratio(double value) {
    return String.format(Locale.ROOT, "%.3f", value);
  }

  /** Formats nanoseconds as us or ms; ASCII only, so any terminal shows it. */
  static String nanos(long nanos) {
    if (nanos < 1_000_000) {
      return String.format(Locale.ROOT, "%.1f us", nanos / 1_000.0);
    }
    return String.format(Locale.ROOT, "%.2f ms", nanos / 1_000_000.0);
  }

  /** Formats a byte count with its sign, in kB or MB. */
  static String bytes(long bytes) {
    String sign = bytes < 0 ? "-" : "+";
    long abs = Math.abs(bytes);
    if (abs < 1024 * 1024) {
      return String.format(Locale.ROOT, "%s%.1f kB", sign, abs / 1024.0);
    }
    return String.format(Locale.ROOT, "%s%.1f MB", sign, abs / (1024.0 * 1024.0));
  }

  private static String signed(long value) {
    return (value < 0 ? "" : "+") + n(value);
  }

  private static String millis(Duration d) {
    return d.toNanos() % 1_000_000 == 0
        ? Long.toString(d.toMillis())
        : String.format(Locale.ROOT, "%.1f", d.toNanos() / 1e6);
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toNanos() / 1e9);
  }

  private static String duration(Duration d) {
    if (d.toSeconds() < 120) {
      return d.toSeconds() + " s";
    }
    if (d.toMinutes() < 120 && d.toMinutes() % 60 != 0) {
      return d.toMinutes() + " min";
    }
    if (d.toMinutes() % 60 == 0) {
      return d.toHours() + " h";
    }
    return String.format(Locale.ROOT, "%.1f h", d.toMinutes() / 60.0);
  }
}
