package io.github.tieredcache.examples;

import io.github.tieredcache.TieredCache;
import io.github.tieredcache.Tiers;
import io.github.tieredcache.codec.JacksonValueCodec;
import io.github.tieredcache.memory.InMemoryTierStore;
import io.github.tieredcache.stats.CacheStats;
import io.github.tieredcache.stats.TierStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Runs the post workload twice: through a {@link TieredCache} (its tiers on the in-memory store or
 * on Redis), and straight against the database, and collects what each run did.
 *
 * <p><b>Simulated time on real Redis.</b> The cache reads the run's {@link SimulatedClock}: it
 * dates the envelope of every copy it writes (fresh until, servable until) and judges every copy it
 * reads by that clock, so freshness follows simulated time on either store. The in-memory store
 * also expires copies by that clock; Redis expires them by its own, in real time, after the same
 * durations ({@code PX} = the tier's TTL). A run covers hours of simulated time in seconds, so on
 * Redis copies outlive their simulated lifetime: the cache then reads a copy whose envelope says it
 * is no longer servable, takes it as a miss, loads the value and overwrites the copy. Reads stay
 * correct; what differs from the in-memory store is that Redis still holds everything the run wrote
 * at its end.
 */
public final class Simulation {

  private Simulation() {}

  /** Read latencies, in nanoseconds of real (wall-clock) time. */
  public record Latency(long p50, long p99, long max) {
    static Latency of(long[] nanos) {
      if (nanos.length == 0) {
        return new Latency(0, 0, 0);
      }
      long[] sorted = nanos.clone();
      Arrays.sort(sorted);
      return new Latency(
          percentile(sorted, 0.50), percentile(sorted, 0.99), sorted[sorted.length - 1]);
    }

    private static long percentile(long[] sorted, double p) {
      int index = (int) Math.ceil(p * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
  }

  /**
   * What one run did.
   *
   * @param reads reads made
   * @param updates posts updated (and, with a cache, {@code cache.put})
   * @param loaderCalls database reads
   * @param staleReads reads that returned an older version of a post than one whose update
   *     (database write and {@code cache.put}) had completed when the read began
   * @param latency read latency
   * @param wallTime the run's real duration
   * @param simulatedTime the simulated time the run covered
   */
  public record Run(
      long reads,
      long updates,
      long loaderCalls,
      long staleReads,
      Latency latency,
      Duration wallTime,
      Duration simulatedTime) {}

  /**
   * The outcome of the quickstart.
   *
   * @param options the settings
   * @param tiers the cache's remote tiers, hottest first
   * @param initialPosts posts at the start
   * @param initialYoung of those, posts under an hour old
   * @param newPosts posts created during the run
   * @param stats the cache's counters after the cached run
   * @param cached the cached run
   * @param baseline the run without a cache, or {@code null} if skipped
   * @param storeDescription what held the tiers, for the report
   * @param redis what the cached run did on Redis, or {@code null} on the in-memory store
   * @param outOfDateCopies per tier, lookups that returned a copy the cache did not serve, since
   *     its envelope said it was past its servable-until, but loaded and overwrote ({@code stats}
   *     counts them as misses; see {@link OutOfDateCopies})
   */
  public record Result(
      Options options,
      Tiers tiers,
      int initialPosts,
      int initialYoung,
      int newPosts,
      CacheStats stats,
      Run cached,
      Run baseline,
      String storeDescription,
      RedisRun redis,
      Map<String, Long> outOfDateCopies) {

    public Result {
      outOfDateCopies = Map.copyOf(outOfDateCopies);
    }

    /** Returns the reads remote tier {@code tier} answered. */
    public long served(String tier) {
      return stats.tier(tier).map(TierStats::hits).orElse(0L);
    }

    /** Returns the lookups, over all tiers, that found only an out-of-date copy. */
    public long outOfDateTotal() {
      return outOfDateCopies.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /**
   * What the cached run did on Redis, read from {@code INFO} on the primaries just before and just
   * after it (after minus before; on a Redis others use too, their traffic is included).
   *
   * @param primaries the primaries summed over
   * @param keyPrefix the prefix of the run's keys
   * @param usedMemory growth of {@code used_memory}, in bytes
   * @param replicationBuffers growth of the replication backlog and buffers, in bytes (part of
   *     {@code usedMemory}; it grows with writes up to a fixed size, 1 MB per primary by default)
   * @param keys growth of the number of keys
   * @param commands commands run, by name, during the cached run
   * @param local whether the Redis was started by the testkit (so nobody else used it)
   */
  public record RedisRun(
      int primaries,
      String keyPrefix,
      long usedMemory,
      long replicationBuffers,
      long keys,
      Map<String, Long> commands,
      boolean local) {

    public RedisRun {
      commands = Map.copyOf(commands);
    }

    /** Returns how often {@code command} ran (lower case). */
    public long calls(String command) {
      return commands.getOrDefault(command, 0L);
    }
  }

  /** Runs both workloads on the in-memory store and returns the result. */
  public static Result run(Options options) throws InterruptedException {
    if (!options.store().equals("memory")) {
      throw new IllegalArgumentException("--store " + options.store() + " needs a RedisTarget");
    }
    return run(options, null);
  }

  /**
   * Runs both workloads, the cached one on {@code redis} (or on the in-memory store if it is {@code
   * null}), and returns the result. Leaves the run's keys on Redis.
   */
  public static Result run(Options options, RedisTarget redis) throws InterruptedException {
    if ((redis == null) != options.store().equals("memory")) {
      throw new IllegalArgumentException(
          "--store "
              + options.store()
              + (redis == null
                  ? " needs a RedisTarget"
                  : " runs on the in-memory store, but a RedisTarget was given"));
    }
    SimulatedClock clock = new SimulatedClock();
    Workload workload = new Workload(options, clock.start());
    PostDatabase db = new PostDatabase(options.minQueryTime(), options.maxQueryTime());
    db.insertAll(workload.posts());

    CacheStats stats;
    Run cached;
    Tiers tiers;
    RedisRun redisRun = null;
    Map<String, Long> outOfDate;
    try (OutOfDateCopies store =
            new OutOfDateCopies(redis == null ? new InMemoryTierStore(clock) : redis.newStore());
        TieredCache<String, Post> cache =
            TieredCache.<String, Post>builder()
                .name("posts")
                .store(store)
                .tiers(
                    Tiers.hotWarmCold()) // the default, spelled out: hot < 1 h, warm < 24 h, cold
                .ageOf(Post::createdAt)
                .valueCodec(JacksonValueCodec.of(Post.class))
                .loader(db::load)
                .ticker(clock)
                .build()) {
      Writer writer =
          switch (options.onUpdate()) {
            case "put" -> cache::put;
            case "invalidate" -> (id, post) -> cache.invalidate(id);
            default -> (id, post) -> {}; // rely on the tiers' TTLs alone
          };
      RedisTarget.Figures before = redis == null ? null : redis.figures();
      cached = drive(options, options.reads(), clock, workload, db, cache::get, writer);
      if (redis != null) {
        RedisTarget.Figures delta = before.until(redis.figures());
        redisRun =
            new RedisRun(
                redis.primaries(),
                redis.keyPrefix(),
                delta.usedMemory(),
                delta.replicationBuffers(),
                delta.keys(),
                delta.commands(),
                redis.isLocal());
      }
      outOfDate = store.counts();
      cached =
          new Run(
              cached.reads(),
              cached.updates(),
              db.queries(),
              cached.staleReads(),
              cached.latency(),
              cached.wallTime(),
              cached.simulatedTime());
      stats = cache.stats();
      tiers = cache.tiers();
    }

    Run baseline = null;
    long baselineReads = Math.min(options.baselineReads(), options.reads());
    if (baselineReads > 0) {
      SimulatedClock plainClock = new SimulatedClock(clock.start());
      PostDatabase plainDb = new PostDatabase(options.minQueryTime(), options.maxQueryTime());
      plainDb.insertAll(workload.posts());
      Run plain =
          drive(
              options,
              baselineReads,
              plainClock,
              workload,
              plainDb,
              plainDb::load,
              (id, post) -> {});
      baseline =
          new Run(
              plain.reads(),
              plain.updates(),
              plainDb.queries(),
              plain.staleReads(),
              plain.latency(),
              plain.wallTime(),
              plain.simulatedTime());
    }
    String description =
        redis == null
            ? "InMemoryTierStore, expiring copies on the simulated clock"
            : "RedisTierStore (resilient) on " + redis.description();
    return new Result(
        options,
        tiers,
        workload.initialPosts(),
        workload.initialYoung(),
        workload.arrivals(),
        stats,
        cached,
        baseline,
        description,
        redisRun,
        outOfDate);
  }

  /** What a writer does after the database accepted an update. */
  @FunctionalInterface
  interface Writer {
    void written(String id, Post post);
  }

  /**
   * Makes {@code reads} reads on {@code threads} threads; each read moves simulated time on by the
   * run's simulated time over {@code reads}, and is sometimes preceded by an update.
   */
  private static Run drive(
      Options options,
      long reads,
      SimulatedClock clock,
      Workload workload,
      PostDatabase db,
      Function<String, Post> read,
      Writer writer)
      throws InterruptedException {
    int threads = (int) Math.min(options.threads(), reads);
    Duration step = options.simulated().dividedBy(reads);
    CountDownLatch go = new CountDownLatch(1);
    // The version of each updated post whose write (database and cache) has completed.
    Map<String, Long> published = new ConcurrentHashMap<>();
    Object[] writeLocks = new Object[64];
    Arrays.setAll(writeLocks, i -> new Object());
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "quickstart-reader");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<long[]>> futures = new ArrayList<>();
      long[][] latencies = new long[threads][];
      for (int t = 0; t < threads; t++) {
        int thread = t;
        int share = (int) (reads / threads + (t < reads % threads ? 1 : 0));
        latencies[t] = new long[share];
        SplittableRandom random = new SplittableRandom(options.seed() * 1_000_003L + t);
        Callable<long[]> task =
            () -> {
              long updates = 0;
              long stale = 0;
              long[] mine = latencies[thread];
              go.await();
              for (int i = 0; i < mine.length; i++) {
                long now = clock.advance(step);
                if (random.nextDouble() < options.updateShare()) {
                  String id = workload.pickUpdate(now, random);
                  long likes = 1 + random.nextInt(50);
                  // The application's write: the database, then the cache. Writes of one post are
                  // serialized, as a real application would (or it would version its puts).
                  synchronized (writeLocks[Math.floorMod(id.hashCode(), writeLocks.length)]) {
                    Post updated = db.update(id, clock.instantAt(now), likes);
                    writer.written(id, updated);
                    published.merge(id, updated.version(), Math::max);
                  }
                  updates++;
                }
                String id = workload.pickRead(now, random);
                long versionBefore = published.getOrDefault(id, 1L);
                long start = System.nanoTime();
                Post post = read.apply(id);
                mine[i] = System.nanoTime() - start;
                if (post == null || post.version() < versionBefore) {
                  stale++;
                }
              }
              return new long[] {updates, stale};
            };
        futures.add(pool.submit(task));
      }
      long begin = System.nanoTime();
      go.countDown();
      long updates = 0;
      long stale = 0;
      for (Future<long[]> f : futures) {
        long[] counts = f.get();
        updates += counts[0];
        stale += counts[1];
      }
      Duration wall = Duration.ofNanos(System.nanoTime() - begin);
      long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).toArray();
      return new Run(
          reads, updates, 0, stale, Latency.of(all), wall, Duration.ofNanos(clock.read()));
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    } finally {
      pool.shutdownNow();
    }
  }
}
