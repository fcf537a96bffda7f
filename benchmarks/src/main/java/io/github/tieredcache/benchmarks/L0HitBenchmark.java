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

  /** The keys, their posts and the Zipf trace, the same in every fork. */
  static final class Data {
    static final String[] KEY = new String[KEYS];
    static final Post[] POST = new Post[KEYS];
    static final String[] TRACE = new String[SAMPLES];

    static {
      Instant now = Instant.now();
      for (int i = 0; i < KEYS; i++) {
        KEY[i] = "post:" + i;
        POST[i] = Post.of(i, now, Duration.ofMinutes(i % 600));
      }
      int[] draws = Zipf.draws(KEYS, SAMPLES, Zipf.DEFAULT_EXPONENT, 42);
      for (int i = 0; i < SAMPLES; i++) {
        TRACE[i] = KEY[draws[i]];
      }
    }

    private Data() {}
  }

  /** Each thread's place in the trace; threads start at different offsets. */
  @State(Scope.Thread)
  public static class Cursor {
    int index;

    @Setup
    public void setUp() {
      index = java.util.concurrent.ThreadLocalRandom.current().nextInt(SAMPLES);
    }

    String next() {
      return Data.TRACE[index++ & MASK];
    }
  }

  /** The cache as a user builds it, every key resident in its L0. */
  @State(Scope.Benchmark)
  public static class Tiered {
    TieredCache<String, Post> cache;
    long l0MissesAfterSetup;

    @Setup(Level.Trial)
    public void setUp() {
      cache =
          TieredCache.<String, Post>builder()
              .name("l0-bench")
              .tiers(BenchTiers.hotWarmCold())
              .store(ResilientTierStore.wrap(new InMemoryTierStore()))
              .valueCodec(JacksonValueCodec.of(Post.class))
              .ageOf(Post::createdAt)
              .loader(key -> Data.POST[Integer.parseInt(key.substring(5))])
              .l0MaximumSize(BOUND)
              .l0ExpireAfterWrite(TieredCacheBuilder.DEFAULT_L0_EXPIRE_AFTER_WRITE)
              .meterRegistry(new SimpleMeterRegistry())
              .build();
      for (int i = 0; i < KEYS; i++) {
        cache.put(Data.KEY[i], Data.POST[i]);
      }
      for (String key : Data.KEY) {
        if (cache.getIfPresent(key) == null) {
          throw new IllegalStateException("setup: " + key + " is not resident");
        }
      }
      l0MissesAfterSetup = l0(cache.stats()).misses();
      if (cache.local().estimatedSize() != KEYS) {
        throw new IllegalStateException(
            "setup: the L0 holds " + cache.local().estimatedSize() + " entries, not " + KEYS);
      }
    }

    /**
     * Fails the trial if any measured read was not an L0 hit (the figures would be meaningless).
     */
    @TearDown(Level.Trial)
    public void checkAllHits() {
      long misses = l0(cache.stats()).misses() - l0MissesAfterSetup;
      cache.close();
      if (misses != 0) {
        throw new IllegalStateException(misses + " reads missed the L0 during the run");
      }
    }
  }

  /** Raw Caffeine, the same bound, no expiry. */
  @State(Scope.Benchmark)
  public static class NoExpiry {
    Cache<String, Post> cache;

    @Setup(Level.Trial)
    public void setUp() {
      cache = Caffeine.newBuilder().maximumSize(BOUND).build();
      fill(cache);
    }
  }

  /** Raw Caffeine, the same bound, the L0's own expiry. */
  @State(Scope.Benchmark)
  public static class SameExpiry {
    Cache<String, Post> cache;

    @Setup(Level.Trial)
    public void setUp() {
      cache = Caffeine.newBuilder().maximumSize(BOUND).expireAfterWrite(LIFETIME).build();
      fill(cache);
    }
  }

  /**
   * Diagnostic: raw Caffeine configured as the L0 configures itself (a fixed expire-after-write on
   * a ticker refreshed every millisecond by a thread, an eviction listener, maintenance on the
   * common pool), holding the values themselves. With {@code caffeineNoExpiry} and {@code
   * tieredGet} it splits the L0's cost into Caffeine's expiry and the cache's own code.
   */
  @State(Scope.Benchmark)
  public static class AsL0 {
    Cache<String, Post> cache;
    volatile long now = System.nanoTime();
    volatile boolean running = true;
    Thread clock;

    @Setup(Level.Trial)
    public void setUp() {
      clock =
          new Thread(
              () -> {
                while (running) {
                  now = System.nanoTime();
                  java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
              });
      clock.setDaemon(true);
      clock.start();
      cache =
          Caffeine.newBuilder()
              .maximumSize(BOUND)
              .ticker(() -> now)
              .expireAfterWrite(LIFETIME)
              .evictionListener(
                  (String k, Post v, com.github.benmanes.caffeine.cache.RemovalCause c) -> {})
              .executor(java.util.concurrent.ForkJoinPool.commonPool())
              .build();
      fill(cache);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      running = false;
    }
  }

  /** A plain map, for scale. */
  @State(Scope.Benchmark)
  public static class PlainMap {
    final ConcurrentHashMap<String, Post> map = new ConcurrentHashMap<>();

    @Setup(Level.Trial)
    public void setUp() {
      for (int i = 0; i < KEYS; i++) {
        map.put(Data.KEY[i], Data.POST[i]);
      }
    }
  }

  static void fill(Cache<String, Post> cache) {
    for (int i = 0; i < KEYS; i++) {
      cache.put(Data.KEY[i], Data.POST[i]);
    }
    for (String key : Data.KEY) {
      if (cache.getIfPresent(key) == null) {
        throw new IllegalStateException("setup: " + key + " is not resident");
      }
    }
  }

  private static TierStats l0(CacheStats stats) {
    return stats.tier("l0").orElseThrow();
  }

  @Benchmark
  public Post tieredGet(Tiered s, Cursor cursor) {
    return s.cache.get(cursor.next());
  }

  @Benchmark
  public Post tieredGetIfPresent(Tiered s, Cursor cursor) {
    return s.cache.getIfPresent(cursor.next());
  }

  /** The asynchronous hit: the only allocation is the completed future it returns. */
  @Benchmark
  public CompletableFuture<Post> tieredGetAsync(Tiered s, Cursor cursor) {
    return s.cache.getAsync(cursor.next());
  }

  /** The time reference: raw Caffeine with the same bound and no expiry. */
  @Benchmark
  public Post caffeineNoExpiry(NoExpiry s, Cursor cursor) {
    return s.cache.getIfPresent(cursor.next());
  }

  /** The throughput reference: raw Caffeine with the same bound and the L0's own expiry. */
  @Benchmark
  public Post caffeineSameExpiry(SameExpiry s, Cursor cursor) {
    return s.cache.getIfPresent(cursor.next());
  }

  /** Diagnostic: raw Caffeine configured as the L0 is; see {@link AsL0}. */
  @Benchmark
  public Post caffeineAsL0(AsL0 s, Cursor cursor) {
    return s.cache.getIfPresent(cursor.next());
  }

  @Benchmark
  public Post concurrentHashMapGet(PlainMap s, Cursor cursor) {
    return s.map.get(cursor.next());
  }
}
