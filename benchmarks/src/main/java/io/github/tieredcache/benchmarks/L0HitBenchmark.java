package io.github.tieredcache.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.tieredcache.TieredCache;
import io.github.tieredcache.TieredCacheBuilder;
import io.github.tieredcache.codec.JacksonValueCodec;
import io.github.tieredcache.memory.InMemoryTierStore;
import io.github.tieredcache.resilience.ResilientTierStore;
import io.github.tieredcache.stats.CacheStats;
import io.github.tieredcache.stats.TierStats;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * An L0 hit on the path a user's read takes: a cache built as the README builds it (its store
 * behind the breaker, stats on, meters bound, the L0's default lifetime of {@value
 * #LIFETIME_SECONDS} s), {@code get}, {@code getIfPresent} and {@code getAsync}, against two raw
 * Caffeine caches with the same bound: one without expiry ({@code caffeineNoExpiry}, the fastest
 * Caffeine there is) and one with the L0's own expiry ({@code caffeineSameExpiry}, expire after
 * write {@value #LIFETIME_SECONDS} s), and {@code ConcurrentHashMap.get} for scale.
 *
 * <p>Budget (DESIGN.md, issue 8): an L0 hit takes at most 1.25 x the time of {@code
 * caffeineNoExpiry} and keeps at least 95 % of the throughput of {@code caffeineSameExpiry}, at 1
 * and 2 threads, with no allocation added; an asynchronous hit allocates no more than one small
 * object (its completed future). Compare {@code gc.alloc.rate.norm} of {@code -prof gc}.
 *
 * <p>The store holds the remote tiers in memory: an L0 hit never reaches it, which {@link
 * #checkAllHits} proves after the run from the cache's own counters, so the figure is the same as
 * over Redis and needs no cluster (PeerBenchmark measures the L0 hit of a Redis-backed cache next
 * to the peers). {@value #KEYS} keys, all resident, read in a Zipf order drawn in {@code @Setup};
 * the measured loop only indexes an array. A trial lasts well under the {@value #LIFETIME_SECONDS}
 * s lifetime, so no entry expires during it. Run with {@code -t 1} and {@code -t 2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class L0HitBenchmark {

  static final int KEYS = 8_192;
  static final int BOUND = 20_000;
  static final int SAMPLES = 1 << 16;
  static final int MASK = SAMPLES - 1;
  static final long LIFETIME_SECONDS = 30;
  static final Duration LIFETIME = Duration.ofSeconds(LIFETIME_SECONDS);

  String[] trace;
  TieredCache<String, Post> tiered;
  Cache<String, Post> caffeineNoExpiry;
  Cache<String, Post> caffeineSameExpiry;
  ConcurrentHashMap<String, Post> map;
  SimpleMeterRegistry registry;
  long l0MissesAfterSetup;

  /** Each thread's place in the trace; threads start at different offsets. */
  @State(Scope.Thread)
  public static class Cursor {
    int index;

    @Setup
    public void setUp() {
      index = java.util.concurrent.ThreadLocalRandom.current().nextInt(SAMPLES);
    }

    int next() {
      return index++ & MASK;
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    String[] keys = new String[KEYS];
    Post[] posts = new Post[KEYS];
    Instant now = Instant.now();
    for (int i = 0; i < KEYS; i++) {
      keys[i] = "post:" + i;
      posts[i] = Post.of(i, now, Duration.ofMinutes(i % 600));
    }
    int[] draws = Zipf.draws(KEYS, SAMPLES, Zipf.DEFAULT_EXPONENT, 42);
    trace = new String[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      trace[i] = keys[draws[i]];
    }

    registry = new SimpleMeterRegistry();
    tiered =
        TieredCache.<String, Post>builder()
            .name("l0-bench")
            .tiers(BenchTiers.hotWarmCold())
            .store(ResilientTierStore.wrap(new InMemoryTierStore()))
            .valueCodec(JacksonValueCodec.of(Post.class))
            .ageOf(Post::createdAt)
            .loader(key -> posts[Integer.parseInt(key.substring(5))])
            .l0MaximumSize(BOUND)
            .l0ExpireAfterWrite(TieredCacheBuilder.DEFAULT_L0_EXPIRE_AFTER_WRITE)
            .meterRegistry(registry)
            .build();
    caffeineNoExpiry = Caffeine.newBuilder().maximumSize(BOUND).build();
    caffeineSameExpiry =
        Caffeine.newBuilder().maximumSize(BOUND).expireAfterWrite(LIFETIME).build();
    map = new ConcurrentHashMap<>();
    for (int i = 0; i < KEYS; i++) {
      tiered.put(keys[i], posts[i]);
      caffeineNoExpiry.put(keys[i], posts[i]);
      caffeineSameExpiry.put(keys[i], posts[i]);
      map.put(keys[i], posts[i]);
    }
    for (String key : keys) {
      if (tiered.getIfPresent(key) == null
          || caffeineNoExpiry.getIfPresent(key) == null
          || caffeineSameExpiry.getIfPresent(key) == null) {
        throw new IllegalStateException("setup: " + key + " is not resident");
      }
    }
    l0MissesAfterSetup = l0(tiered.stats()).misses();
    if (tiered.local().estimatedSize() != KEYS) {
      throw new IllegalStateException(
          "setup: the L0 holds " + tiered.local().estimatedSize() + " entries, not " + KEYS);
    }
  }

  /** Fails the trial if any measured read was not an L0 hit (the figures would be meaningless). */
  @TearDown(Level.Trial)
  public void checkAllHits() {
    long misses = l0(tiered.stats()).misses() - l0MissesAfterSetup;
    tiered.close();
    if (misses != 0) {
      throw new IllegalStateException(misses + " reads missed the L0 during the run");
    }
  }

  private static TierStats l0(CacheStats stats) {
    return stats.tier("l0").orElseThrow();
  }

  @Benchmark
  public Post tieredGet(Cursor cursor) {
    return tiered.get(trace[cursor.next()]);
  }

  @Benchmark
  public Post tieredGetIfPresent(Cursor cursor) {
    return tiered.getIfPresent(trace[cursor.next()]);
  }

  /** The asynchronous hit: the only allocation is the completed future it returns. */
  @Benchmark
  public CompletableFuture<Post> tieredGetAsync(Cursor cursor) {
    return tiered.getAsync(trace[cursor.next()]);
  }

  /** The time reference: raw Caffeine with the same bound and no expiry. */
  @Benchmark
  public Post caffeineNoExpiry(Cursor cursor) {
    return caffeineNoExpiry.getIfPresent(trace[cursor.next()]);
  }

  /** The throughput reference: raw Caffeine with the same bound and the L0's own expiry. */
  @Benchmark
  public Post caffeineSameExpiry(Cursor cursor) {
    return caffeineSameExpiry.getIfPresent(trace[cursor.next()]);
  }

  @Benchmark
  public Post concurrentHashMapGet(Cursor cursor) {
    return map.get(trace[cursor.next()]);
  }
}
