package io.github.tieredcache.examples;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The quickstart's settings. Every one has a default; {@link #parse} reads {@code --name value} or
 * {@code --name=value} arguments.
 *
 * @param reads reads in the cached run, over all threads
 * @param threads reader threads
 * @param store {@code redis} (the default: a Redis Cluster, local unless {@code redisUris} names
 *     one) or {@code memory} (the in-memory store)
 * @param redisUris seed URIs of an existing Redis Cluster or the URI of a standalone Redis to use
 *     instead of starting a local cluster; empty to start one
 * @param keepKeys whether to leave the run's keys on an existing Redis (else they are deleted at
 *     the end; a local cluster is thrown away either way)
 * @param posts posts that exist when the run starts
 * @param simulated simulated time the cached run covers
 * @param newPostsPerHour posts created during the run, per simulated hour
 * @param updateShare chance, per read, that a post is also updated
 * @param onUpdate what the application tells the cache after updating a post in the database:
 *     {@code put} the new version, {@code invalidate} the key, or {@code none} (rely on expiry)
 * @param baselineReads reads in the run without a cache (each waits for the database); 0 skips it
 * @param seed the seed of every random choice but the database's query times
 * @param minQueryTime the shortest simulated database query
 * @param maxQueryTime the longest simulated database query
 */
public record Options(
    long reads,
    int threads,
    String store,
    List<String> redisUris,
    boolean keepKeys,
    int posts,
    Duration simulated,
    int newPostsPerHour,
    double updateShare,
    String onUpdate,
    long baselineReads,
    long seed,
    Duration minQueryTime,
    Duration maxQueryTime) {

  /**
   * The defaults: on Redis a run of 40 to 60 seconds on two cores, cluster start included; on the
   * in-memory store, about 20 seconds. Both stores get the same reads, so their tables compare.
   */
  public static final Options DEFAULTS =
      new Options(
          300_000,
          4,
          "redis",
          List.of(),
          false,
          20_000,
          Duration.ofHours(3),
          120,
          0.02,
          "put",
          8_000,
          42,
          Duration.ofMillis(1),
          Duration.ofMillis(3));

  public Options {
    require(reads > 0, "--reads must be positive: " + reads);
    require(threads > 0 && threads <= 256, "--threads must be between 1 and 256: " + threads);
    require(
        store.equals("memory") || store.equals("redis"),
        "--store must be memory or redis: " + store);
    redisUris = List.copyOf(redisUris);
    require(
        redisUris.isEmpty() || store.equals("redis"),
        "--redis-nodes and --redis-uri need --store redis, not --store " + store);
    require(posts > 0, "--posts must be positive: " + posts);
    require(
        simulated.compareTo(Duration.ofMinutes(1)) >= 0,
        "--hours must cover at least a minute: " + simulated);
    require(newPostsPerHour >= 0, "--new-posts-per-hour must not be negative: " + newPostsPerHour);
    require(
        updateShare >= 0 && updateShare <= 1,
        "--update-share must be between 0 and 1: " + updateShare);
    require(
        onUpdate.equals("put") || onUpdate.equals("invalidate") || onUpdate.equals("none"),
        "--on-update must be put, invalidate or none: " + onUpdate);
    require(baselineReads >= 0, "--baseline-reads must not be negative: " + baselineReads);
    require(
        !minQueryTime.isNegative() && maxQueryTime.compareTo(minQueryTime) >= 0,
        "query time: need 0 <= min <= max");
  }

  /** The usage text. */
  public static final String USAGE =
      """
      Quickstart: a simulated post workload through a TieredCache, next to the same reads without one.

      Options (all optional):
        --store redis|memory    where the hot/warm/cold tiers live (default redis: a local Redis
                                Cluster of 3 primaries + 3 replicas, started for the run and
                                stopped after it; memory: the in-memory store)
        --redis-nodes H:P,H:P   use this existing Redis Cluster (or standalone Redis) instead of
                                starting one; keys go under quickstart:<run id>, nothing is flushed
        --redis-uri URI[,URI]   the same with URIs: redis://host:port, rediss://user:pass@host:port
        --keep-keys             leave the run's keys on that Redis (default: delete them at the end)
        --reads N               reads in the cached run (default 300000)
        --threads N             reader threads (default 4)
        --posts N               posts that exist at the start (default 20000)
        --hours H               simulated hours the run covers (default 3)
        --new-posts-per-hour N  posts created during the run (default 120 per simulated hour)
        --update-share F        chance per read that a post is also updated (default 0.02)
        --on-update put|invalidate|none
                                after a database update: cache.put the new version (default),
                                cache.invalidate the key, or nothing (stale until the TTL ends)
        --baseline-reads N      reads of the no-cache run; 0 skips it (default 8000)
        --seed N                random seed (default 42)
        --query-ms MIN-MAX      simulated database query time in ms (default 1-3)
        --help                  this text

      Without a redis-server binary (PATH, or the embedded-redis jar on the classpath) the default
      falls back to --store memory and says so.
      """;

  /**
   * Reads {@code args} over the defaults.
   *
   * @throws IllegalArgumentException naming the option that is unknown, missing its value, or wrong
   */
  public static Options parse(String... args) {
    long reads = DEFAULTS.reads;
    int threads = DEFAULTS.threads;
    String store = DEFAULTS.store;
    List<String> redisUris = new ArrayList<>();
    boolean keepKeys = DEFAULTS.keepKeys;
    int posts = DEFAULTS.posts;
    Duration simulated = DEFAULTS.simulated;
    int newPostsPerHour = DEFAULTS.newPostsPerHour;
    double updateShare = DEFAULTS.updateShare;
    String onUpdate = DEFAULTS.onUpdate;
    long baselineReads = DEFAULTS.baselineReads;
    long seed = DEFAULTS.seed;
    Duration minQuery = DEFAULTS.minQueryTime;
    Duration maxQuery = DEFAULTS.maxQueryTime;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.isBlank()) {
        continue;
      }
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      if (!name.startsWith("--")) {
        throw new IllegalArgumentException(
            "unexpected argument '" + arg + "'; options start with --");
      }
      boolean flag = FLAGS.contains(name);
      if (flag && value != null) {
        throw new IllegalArgumentException(name + " takes no value");
      }
      if (!flag && value == null) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(name + " needs a value");
        }
        value = args[++i];
      }
      try {
        switch (name) {
          case "--reads" -> reads = Long.parseLong(value.replace("_", ""));
          case "--threads" -> threads = Integer.parseInt(value);
          case "--store" -> store = value.toLowerCase(Locale.ROOT);
          case "--redis-nodes" -> redisUris.addAll(nodes(value));
          case "--redis-uri" -> redisUris.addAll(uris(value));
          case "--keep-keys" -> keepKeys = true;
          case "--posts" -> posts = Integer.parseInt(value.replace("_", ""));
          case "--hours" ->
              simulated = Duration.ofSeconds(Math.round(Double.parseDouble(value) * 3600));
          case "--new-posts-per-hour" -> newPostsPerHour = Integer.parseInt(value);
          case "--update-share" -> updateShare = Double.parseDouble(value);
          case "--on-update" -> onUpdate = value.toLowerCase(Locale.ROOT);
          case "--baseline-reads" -> baselineReads = Long.parseLong(value.replace("_", ""));
          case "--seed" -> seed = Long.parseLong(value);
          case "--query-ms" -> {
            String[] range = value.split("-", 2);
            minQuery = Duration.ofNanos(Math.round(Double.parseDouble(range[0]) * 1e6));
            maxQuery =
                range.length == 1
                    ? minQuery
                    : Duration.ofNanos(Math.round(Double.parseDouble(range[1]) * 1e6));
          }
          case "--help" -> throw new HelpRequested();
          default -> throw new IllegalArgumentException("unknown option " + name);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + ": not a number: '" + value + "'", e);
      }
    }
    return new Options(
        reads,
        threads,
        store,
        redisUris,
        keepKeys,
        posts,
        simulated,
        newPostsPerHour,
        updateShare,
        onUpdate,
        baselineReads,
        seed,
        minQuery,
        maxQuery);
  }

  /** Returns a copy with a different read count. */
  public Options withReads(long reads) {
    return new Options(
        reads,
        threads,
        store,
        redisUris,
        keepKeys,
        posts,
        simulated,
        newPostsPerHour,
        updateShare,
        onUpdate,
        baselineReads,
        seed,
        minQueryTime,
        maxQueryTime);
  }

  /** Returns a copy with different database query times. */
  public Options withQueryTime(Duration min, Duration max) {
    return new Options(
        reads,
        threads,
        store,
        redisUris,
        keepKeys,
        posts,
        simulated,
        newPostsPerHour,
        updateShare,
        onUpdate,
        baselineReads,
        seed,
        min,
        max);
  }

  /** Returns a copy on the in-memory store: the fallback when no local Redis can be started. */
  public Options onMemoryStore() {
    return new Options(
        reads,
        threads,
        "memory",
        List.of(),
        false,
        posts,
        simulated,
        newPostsPerHour,
        updateShare,
        onUpdate,
        baselineReads,
        seed,
        minQueryTime,
        maxQueryTime);
  }

  /** Options that take no value. */
  private static final Set<String> FLAGS = Set.of("--help", "--keep-keys");

  /** {@code host:port,host:port} as {@code redis://} URIs. */
  private static List<String> nodes(String value) {
    List<String> uris = new ArrayList<>();
    for (String node : value.split(",")) {
      String n = node.trim();
      if (n.isEmpty()) {
        continue;
      }
      int colon = n.lastIndexOf(':');
      if (n.contains("://") || colon <= 0 || colon == n.length() - 1) {
        throw new IllegalArgumentException(
            "--redis-nodes takes host:port,host:port (use --redis-uri for URIs): '" + n + "'");
      }
      int port = Integer.parseInt(n.substring(colon + 1));
      require(port > 0 && port < 65536, "--redis-nodes: not a port: " + port);
      uris.add("redis://" + n);
    }
    require(!uris.isEmpty(), "--redis-nodes names no node");
    return uris;
  }

  /** {@code redis://...,rediss://...}, checked for their scheme. */
  private static List<String> uris(String value) {
    List<String> uris = new ArrayList<>();
    for (String uri : value.split(",")) {
      String u = uri.trim();
      if (u.isEmpty()) {
        continue;
      }
      String lower = u.toLowerCase(Locale.ROOT);
      require(
          lower.startsWith("redis://") || lower.startsWith("rediss://"),
          "--redis-uri takes redis://host:port or rediss://[user:password@]host:port: '" + u + "'");
      uris.add(u);
    }
    require(!uris.isEmpty(), "--redis-uri names no URI");
    return uris;
  }

  /** Thrown by {@link #parse} for {@code --help}. */
  public static final class HelpRequested extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HelpRequested() {
      super("help requested", null, false, false);
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
