package io.github.tieredcache.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.github.tieredcache.TieredCache;
import io.github.tieredcache.codec.JacksonValueCodec;
import io.github.tieredcache.memory.InMemoryTierStore;
import io.github.tieredcache.stats.CacheStats;
import io.github.tieredcache.stats.TierStats;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
 * An L0 hit: {@code TieredCache.getIfPresent} and {@code get} against raw Caffeine {@code
 * getIfPresent} on an identically bounded cache and {@code ConcurrentHashMap.get}.
 *
 * <p>Budget (DESIGN.md): an L0 hit keeps at least 95 % of raw Caffeine's throughput and adds no
 * allocation (compare {@code gc.alloc.rate.norm} of {@code -prof gc}).
 *
 * <p>Setup as a user has it: stats on (they always are) and the meters bound to a Micrometer
 * registry through {@code builder.meterRegistry}. The cache's remote tiers sit on an {@link
 * InMemoryTierStore}: an L0 hit never reaches the store, which {@link #checkAllHits} proves after
 * the run from the cache's own counters, so the figure is the same as over Redis and needs no
 * cluster. (PeerBenchmark measures the L0 hit of a Redis-backed cache next to the peers.)
 *
 * <p>The bound: the cache's L0 holds {@value #BOUND} entries for at most 1 h; raw Caffeine is built
 * with the same maximum size and the same expire-after-write (the L0 is built by the cache with a
 * per-entry expiry, since an entry must not outlive its remote copy; {@code caffeineAsL0} is raw
 * Caffeine configured exactly as the cache configures its L0, to tell the cost of that
 * configuration apart from the cache's own code). {@value #KEYS} keys, all resident, read in a Zipf
 * order drawn in {@code @Setup}; the measured loop only indexes an array. Run with {@code -t 1} and
 * {@code -t 2}.
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
  static final int BOUND = 10_000;
  static final int SAMPLES = 1 << 16;
  static final int MASK = SAMPLES - 1;
  static final Duration LIFETIME = Duration.ofHours(1);

  String[] trace;
  TieredCache<String, Post> tiered;
  Cache<String, Post> caffeine;
  Cache<String, Entry> caffeineAsL0;
  final LongAdder evictions = new LongAdder();

  /** What the L0 holds per key: the value and when it expires. */
  record Entry(Post value, long expiresAt) {}

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
            .store(new InMemoryTierStore())
            .valueCodec(JacksonValueCodec.of(Post.class))
            .loader(key -> posts[Integer.parseInt(key.substring(5))])
            .l0MaximumSize(BOUND)
            .l0ExpireAfterWrite(LIFETIME)
            .meterRegistry(registry)
            .build();
    caffeine = Caffeine.newBuilder().maximumSize(BOUND).expireAfterWrite(LIFETIME).build();
    // Raw Caffeine built the way the cache builds its L0 (DefaultTieredCache.buildL0): a per-entry
    // expiry read from a wrapper record, an eviction listener, maintenance on the calling thread.
    caffeineAsL0 =
        Caffeine.newBuilder()
            .maximumSize(BOUND)
            .expireAfter(
                new Expiry<String, Entry>() {
                  @Override
                  public long expireAfterCreate(String key, Entry entry, long currentTime) {
                    return Math.max(0, entry.expiresAt() - currentTime);
                  }

                  @Override
                  public long expireAfterUpdate(
                      String key, Entry entry, long currentTime, long currentDuration) {
                    return Math.max(0, entry.expiresAt() - currentTime);
                  }

                  @Override
                  public long expireAfterRead(
                      String key, Entry entry, long currentTime, long currentDuration) {
                    return currentDuration;
                  }
                })
            .evictionListener(
                (String key, Entry entry, RemovalCause cause) -> evictions.increment())
            .executor(Runnable::run)
            .build();
    map = new ConcurrentHashMap<>();
    for (int i = 0; i < KEYS; i++) {
      tiered.put(keys[i], posts[i]);
      caffeine.put(keys[i], posts[i]);
      caffeineAsL0.put(keys[i], new Entry(posts[i], System.nanoTime() + LIFETIME.toNanos()));
      map.put(keys[i], posts[i]);
    }
    for (String key : keys) {
      if (tiered.getIfPresent(key) == null || caffeine.getIfPresent(key) == null) {
        throw new IllegalStateException("setup: " + key + " is not resident");
      }
    }
    l0MissesAfterSetup = l0(tiered.stats()).misses();
    if (tiered.l0Size() != KEYS) {
      throw new IllegalStateException(
          "setup: the L0 holds " + tiered.l0Size() + " entries, not " + KEYS);
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
  public Post tieredGetIfPresent(Cursor cursor) {
    return tiered.getIfPresent(trace[cursor.next()]);
  }

  @Benchmark
  public Post tieredGet(Cursor cursor) {
    return tiered.get(trace[cursor.next()]);
  }

  /** The reference: raw Caffeine with the same bound. */
  @Benchmark
  public Post caffeineGetIfPresent(Cursor cursor) {
    return caffeine.getIfPresent(trace[cursor.next()]);
  }

  /**
   * Raw Caffeine configured as the cache configures its L0: with {@code caffeineGetIfPresent} and
   * {@code tieredGetIfPresent} it splits the gap into "how the L0 is configured" and "the cache's
   * own code around it".
   */
  @Benchmark
  public Post caffeineAsL0(Cursor cursor) {
    Entry entry = caffeineAsL0.getIfPresent(trace[cursor.next()]);
    return entry == null ? null : entry.value();
  }

  @Benchmark
  public Post concurrentHashMapGet(Cursor cursor) {
    return map.get(trace[cursor.next()]);
  }
}
