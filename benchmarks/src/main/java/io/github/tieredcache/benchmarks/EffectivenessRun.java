package io.github.tieredcache.benchmarks;

import io.github.tieredcache.Freshness;
import io.github.tieredcache.Promotion;
import io.github.tieredcache.TieredCache;
import io.github.tieredcache.Tiers;
import io.github.tieredcache.codec.JacksonValueCodec;
import io.github.tieredcache.memory.InMemoryTierStore;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.stats.CacheStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * One configuration of the effectiveness report run through the post trace: a real {@link
 * TieredCache} (L0 included) on an {@link InMemoryTierStore}, on {@link VirtualTime}, one read at a
 * time, each edit of the trace applied to the database and then, as the configuration says,
 * followed by {@code invalidate} or by a {@code put} of the edited post (which the writer has, so
 * it is no database read). Background work (refreshes of stale copies) is queued by the cache's
 * executor and run after the read that caused it, so a loader call is known to be in the foreground
 * (the read waited for it) or not.
 *
 * <p>Measured after the warm-up: reads, loader calls, reads that waited for a loader call, what
 * served each read (L0, a tier), stale answers (an older version than the database's) and how old
 * the oldest edit they lacked was, and the store's bytes ({@link InMemoryTierStore#storedBytes})
 * sampled every 10 minutes of virtual time: every copy and retained generation with its key.
 */
final class EffectivenessRun {

  /** What the application does with the cache when it edits a post. */
  enum OnEdit {
    /** Nothing: the edit reaches readers when the copies expire. */
    NOTHING,
    /** {@code invalidate(key)}, as {@code @CacheEvict} does: the next read loads. */
    INVALIDATE,
    /** {@code put(key, edited)}, as {@code @CachePut} does: the writer has the new value. */
    PUT
  }

  /** A configuration: how the cache is built and what an edit does to it. */
  record Setup(
      String name,
      String description,
      Freshness freshness,
      Tiers tiers,
      OnEdit onEdit,
      boolean l0,
      @Nullable Promotion<String> promotion) {

    Setup(
        String name,
        String description,
        Freshness freshness,
        Tiers tiers,
        OnEdit onEdit,
        boolean l0) {
      this(name, description, freshness, tiers, onEdit, l0, null); // the builder's default
    }
  }

  /** What a run measured after its warm-up. */
  record Figures(
      String setup,
      String description,
      long reads,
      long loads,
      long waited,
      long l0Hits,
      long[] tierHits,
      String[] tierNames,
      long staleReads,
      long staleBeyondBound,
      long staleP99Millis,
      long staleMaxMillis,
      long meanBytes,
      long peakBytes,
      long[] meanBytesByTier,
      long admissionsRefused,
      long sketchBytes,
      double wallSeconds) {

    double share(long n) {
      return reads == 0 ? 0 : (double) n / reads;
    }
  }

  static final Instant START = Instant.parse("2026-01-05T00:00:00Z");
  private static final long SAMPLE_EVERY = Duration.ofMinutes(10).toNanos();

  private final Setup setup;
  private final PostTrace.Shape shape;
  private final Duration length;
  private final Duration warmup;
  private final Duration bound;

  EffectivenessRun(
      Setup setup, PostTrace.Shape shape, Duration length, Duration warmup, Duration bound) {
    this.setup = setup;
    this.shape = shape;
    this.length = length;
    this.warmup = warmup;
    this.bound = bound;
  }

  Figures run() {
    long wallStart = System.nanoTime();
    VirtualTime time = new VirtualTime(START);
    PostTrace trace = new PostTrace(shape, START);
    ArrayDeque<Runnable> background = new ArrayDeque<>();
    long[] foregroundLoads = {0};
    boolean[] reading = {false};
    InMemoryTierStore store = new InMemoryTierStore(time);
    var builder =
        TieredCache.<String, Post>builder()
            .name("posts")
            .store(store)
            .tiers(setup.tiers())
            .freshness(setup.freshness())
            .ageOf(Post::createdAt)
            .valueCodec(JacksonValueCodec.of(Post.class))
            .ticker(time)
            .clock(time.clock())
            .scheduler(time)
            .random(new Random(shape.seed()))
            .executor(background::add)
            .loader(
                key -> {
                  if (reading[0]) {
                    foregroundLoads[0]++;
                  }
                  return load(trace, Long.parseLong(key, 5, key.length(), 10));
                });
    if (setup.promotion() != null) {
      builder.promotion(setup.promotion());
    }
    if (!setup.l0()) {
      builder.l0Disabled();
    }
    Histogram staleness = new Histogram(Duration.ofDays(4).toMillis(), 2);
    long reads = 0;
    long waited = 0;
    long stale = 0;
    long beyond = 0;
    long bytesSum = 0;
    long[] byTierSum = new long[setup.tiers().size() + 1];
    long bytesPeak = 0;
    long samples = 0;
    long[] edits = new long[64];
    long step = trace.readStepNanos();
    long end = length.toNanos();
    long measureFrom = warmup.toNanos();
    long nextSample = measureFrom;
    long boundMillis = bound.toMillis();
    CacheStats before = null;
    Namespace namespace;
    CacheStats after;
    try (TieredCache<String, Post> cache = builder.build()) {
      namespace =
          new Namespace("posts", setup.tiers().names(), Namespace.DEFAULT_GENERATION_RETENTION);
      for (long now = 0; now < end; now += step) {
        time.advanceTo(now);
        long nowMillis = now / 1_000_000;
        boolean measuring = now >= measureFrom;
        if (measuring && before == null) {
          before = cache.stats();
        }
        long id = trace.nextRead(nowMillis);
        long foreground = foregroundLoads[0];
        reading[0] = true;
        Post post = cache.get("post:" + id);
        reading[0] = false;
        drain(background);
        if (measuring) {
          reads++;
          if (foregroundLoads[0] != foreground) {
            waited++;
          }
          long late = post == null ? 0 : trace.staleness(id, post.version(), nowMillis);
          if (late > 0) {
            stale++;
            staleness.recordValue(Math.min(late, staleness.getHighestTrackableValue()));
            if (late > boundMillis) {
              beyond++;
            }
          }
          if (now >= nextSample) {
            long[] byTier = store.storedBytesByTier(namespace);
            long bytes = 0;
            for (int t = 0; t < byTier.length; t++) {
              byTierSum[t] += byTier[t];
              bytes += byTier[t];
            }
            bytesSum += bytes;
            bytesPeak = Math.max(bytesPeak, bytes);
            samples++;
            nextSample += SAMPLE_EVERY;
          }
        }
        int n = trace.editsDue(nowMillis, edits);
        for (int i = 0; i < n; i++) {
          switch (setup.onEdit()) {
            case INVALIDATE -> cache.invalidate("post:" + edits[i]);
            case PUT -> cache.put("post:" + edits[i], load(trace, edits[i]));
            case NOTHING -> {}
          }
        }
        drain(background);
      }
      after = cache.stats();
    }
    if (before == null) {
      throw new IllegalArgumentException(
          "the warm-up " + warmup + " is not shorter than " + length);
    }
    int tiers = after.tiers().size() - 1;
    long[] tierHits = new long[tiers];
    String[] names = new String[tiers];
    for (int t = 0; t < tiers; t++) {
      tierHits[t] = after.tiers().get(t + 1).hits() - before.tiers().get(t + 1).hits();
      names[t] = after.tiers().get(t + 1).tier();
    }
    return new Figures(
        setup.name(),
        setup.description(),
        reads,
        after.loads() - before.loads(),
        waited,
        after.tiers().get(0).hits() - before.tiers().get(0).hits(),
        tierHits,
        names,
        stale,
        beyond,
        stale == 0 ? 0 : staleness.getValueAtPercentile(99),
        stale == 0 ? 0 : staleness.getMaxValue(),
        samples == 0 ? 0 : bytesSum / samples,
        bytesPeak,
        mean(byTierSum, samples),
        after.admissionsRefused() - before.admissionsRefused(),
        after.admissionSketchBytes(),
        (System.nanoTime() - wallStart) / 1e9);
  }

  /** The database: post {@code id} as it is now, a new object each time, as a query returns it. */
  private static Post load(PostTrace trace, long id) {
    Post base = Post.of(id, trace.createdAt(id), Duration.ZERO);
    return new Post(
        id,
        base.author(),
        base.title(),
        base.body(),
        base.createdAt(),
        trace.updatedAt(id),
        trace.version(id),
        base.likes());
  }

  private static long[] mean(long[] sums, long samples) {
    long[] means = new long[sums.length];
    for (int i = 0; i < sums.length; i++) {
      means[i] = samples == 0 ? 0 : sums[i] / samples;
    }
    return means;
  }

  private static void drain(ArrayDeque<Runnable> background) {
    Runnable next;
    while ((next = background.poll()) != null) {
      next.run();
    }
  }
}
