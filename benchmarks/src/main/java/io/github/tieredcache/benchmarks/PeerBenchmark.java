package io.github.tieredcache.benchmarks;

import com.alicp.jetcache.MultiLevelCacheBuilder;
import com.alicp.jetcache.embedded.CaffeineCacheBuilder;
import com.alicp.jetcache.redis.lettuce.RedisLettuceCacheBuilder;
import com.alicp.jetcache.support.Fastjson2KeyConvertor;
import com.alicp.jetcache.support.JavaValueDecoder;
import com.alicp.jetcache.support.JavaValueEncoder;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.tieredcache.TieredCache;
import io.github.tieredcache.codec.JacksonValueCodec;
import io.github.tieredcache.resilience.ResilientTierStore;
import io.lettuce.core.cluster.RedisClusterClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
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
import org.redisson.Redisson;
import org.redisson.api.RLocalCachedMap;
import org.redisson.api.RMap;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.LocalCachedMapOptions;
import org.redisson.config.Config;
import org.springframework.cache.Cache;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The L0-hit and remote-hit workloads through the caches users would pick instead of tiered-cache,
 * each set up as its documentation shows, against the same local cluster, with tiered-cache's own
 * rows (over Redis, as in production) in the same run as the reference.
 *
 * <ul>
 *   <li><b>L0 hit</b> (throughput, ops/us): {@value #L0_KEYS} resident keys read in a Zipf order;
 *       every in-process level bounded to {@value #BOUND} entries and 1 h. tiered-cache {@code
 *       get}; Spring's {@code CaffeineCacheManager} cache {@code get(key)} (the call
 *       {@code @Cacheable} makes); Redisson's {@code RLocalCachedMap.get} (LFU, as its docs show);
 *       JetCache's two-level cache (Caffeine local + Lettuce remote) {@code get}. Spring's {@code
 *       RedisCacheManager} has no in-process level: no row.
 *   <li><b>Remote hit</b> (average time, us/op): {@value #REMOTE_KEYS} keys, read round-robin, no
 *       in-process level involved. tiered-cache as a user builds it (breaker, L0 on), the key
 *       dropped from the L0 before each timed read, a hot-tier hit; Spring's {@code
 *       RedisCacheManager} cache {@code get(key)} (GET, JDK serialization, its default); Redisson's
 *       {@code RMap.get} on a map of the same kind {@code RLocalCachedMap} keeps (HGET of the map's
 *       one hash, Kryo 5, Redisson's default codec and its default of reading from replicas): the
 *       read {@code RLocalCachedMap} makes on a local miss; JetCache's remote level ({@code
 *       RedisLettuceCache}, GET, Java serialization as its docs show) {@code get}. Spring's {@code
 *       CaffeineCacheManager} has no remote level: no row.
 * </ul>
 *
 * <p>Each peer's state is set up only in the forks of its own rows.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class PeerBenchmark {

  static final int L0_KEYS = 8_192;
  static final int BOUND = 10_000;
  static final int SAMPLES = 1 << 16;
  static final int MASK = SAMPLES - 1;
  static final int REMOTE_KEYS = 256;
  static final int RMASK = REMOTE_KEYS - 1;
  static final Duration LIFETIME = Duration.ofHours(1);

  /** The keys, values and Zipf trace every row reads, the same for every peer. */
  static final class Data {
    static final String[] L0_KEY = new String[L0_KEYS];
    static final Post[] L0_POST = new Post[L0_KEYS];
    static final String[] TRACE = new String[SAMPLES];
    static final String[] REMOTE_KEY = new String[REMOTE_KEYS];
    static final Post[] REMOTE_POST = new Post[REMOTE_KEYS];

    static {
      Instant now = Instant.now();
      for (int i = 0; i < L0_KEYS; i++) {
        L0_KEY[i] = "post:" + i;
        L0_POST[i] = Post.of(i, now, BenchTiers.HOT_AGE);
      }
      int[] draws = Zipf.draws(L0_KEYS, SAMPLES, Zipf.DEFAULT_EXPONENT, 42);
      for (int i = 0; i < SAMPLES; i++) {
        TRACE[i] = L0_KEY[draws[i]];
      }
      for (int i = 0; i < REMOTE_KEYS; i++) {
        REMOTE_KEY[i] = "remote:" + i;
        REMOTE_POST[i] = Post.of(i, now, BenchTiers.HOT_AGE);
      }
    }

    private Data() {}
  }

  /** Each thread's place in the L0 trace and in the remote keys. */
  @State(Scope.Thread)
  public static class Cursor {
    int l0 = java.util.concurrent.ThreadLocalRandom.current().nextInt(SAMPLES);
    int remote;

    String nextL0() {
      return Data.TRACE[l0++ & MASK];
    }

    String nextRemote() {
      return Data.REMOTE_KEY[remote++ & RMASK];
    }
  }

  /** Puts every key, in bounded waves (see {@link RemoteFixture#putAll}). */
  static void putAll(TieredCache<String, Post> cache, String[] keys, Post[] posts) {
    RemoteFixture.putAll(cache, keys, posts);
  }

  static java.util.Map<String, Post> asMap(String[] keys, Post[] posts) {
    java.util.Map<String, Post> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keys.length; i++) {
      map.put(keys[i], posts[i]);
    }
    return map;
  }

  static void requireHit(Object value, String peer, String key) {
    if (value == null) {
      throw new IllegalStateException("setup of " + peer + ": " + key + " is not cached");
    }
  }

  // ==================================================================== tiered-cache

  /**
   * tiered-cache over Redis behind the breaker, its L0 on, bound as the peers' local levels are.
   */
  @State(Scope.Benchmark)
  public static class TieredL0 {
    ResilientTierStore store;
    TieredCache<String, Post> cache;

    @Setup(Level.Trial)
    public void setUp() {
      store = ResilientTierStore.wrap(RemoteFixture.store("peer-tc"));
      cache =
          TieredCache.<String, Post>builder()
              .name("l0")
              .tiers(BenchTiers.hotWarmCold())
              .ageOf(Post::createdAt)
              .store(store)
              .valueCodec(JacksonValueCodec.of(Post.class))
              .loader(key -> null)
              .l0MaximumSize(BOUND)
              .l0ExpireAfterWrite(LIFETIME)
              .meterRegistry(new SimpleMeterRegistry())
              .build();
      putAll(cache, Data.L0_KEY, Data.L0_POST);
      // A put whose L0 fill raced with another key's put in the same invalidation stripe leaves
      // its key out of the L0; one read of each key, one at a time, fills those in.
      for (String key : Data.L0_KEY) {
        requireHit(cache.get(key), "tiered-cache", key);
      }
      if (cache.local().estimatedSize() != L0_KEYS) {
        throw new IllegalStateException(
            "setup of tiered-cache: the L0 holds " + cache.local().estimatedSize());
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      cache.close();
      store.close();
    }
  }

  /**
   * tiered-cache over Redis as a user builds it (breaker, L0 on); each timed read's key is dropped
   * from the L0 first, so every timed read is a remote hit in the hot tier.
   */
  @State(Scope.Benchmark)
  public static class TieredRemote {
    RemoteFixture fixture;
    TieredCache<String, Post> cache;

    @Setup(Level.Trial)
    public void setUp() {
      fixture = new RemoteFixture("peer-tc");
      cache = fixture.cache("remote");
      putAll(cache, Data.REMOTE_KEY, Data.REMOTE_POST);
      for (String key : Data.REMOTE_KEY) {
        cache.local().invalidate(key);
        requireHit(cache.get(key), "tiered-cache", key);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      long loads = fixture.loads.sum();
      cache.close();
      fixture.close();
      if (loads != 0) {
        throw new IllegalStateException("tiered-cache loaded " + loads + " times during the run");
      }
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Post l0TieredCache(TieredL0 s, Cursor c) {
    return s.cache.get(c.nextL0());
  }

  @Benchmark
  public Post remoteTieredCache(TieredRemote s, RemoteKey k) {
    return s.cache.get(k.key);
  }

  /** The next remote key, dropped from tiered-cache's L0 before each timed read, untimed. */
  @State(Scope.Thread)
  public static class RemoteKey {
    int index;
    String key = "";

    @Setup(Level.Invocation)
    public void next(TieredRemote s) {
      key = Data.REMOTE_KEY[index++ & RMASK];
      s.cache.local().invalidate(key);
    }
  }

  // ==================================================================== Spring

  /** Spring's CaffeineCacheManager, configured as spring.cache.caffeine.spec would. */
  @State(Scope.Benchmark)
  public static class SpringCaffeine {
    Cache cache;

    @Setup(Level.Trial)
    public void setUp() {
      CaffeineCacheManager manager = new CaffeineCacheManager("posts");
      manager.setCaffeine(Caffeine.newBuilder().maximumSize(BOUND).expireAfterWrite(LIFETIME));
      cache = manager.getCache("posts");
      for (int i = 0; i < L0_KEYS; i++) {
        cache.put(Data.L0_KEY[i], Data.L0_POST[i]);
      }
    }
  }

  /** Spring's RedisCacheManager on a Lettuce cluster connection factory, its defaults and a TTL. */
  @State(Scope.Benchmark)
  public static class SpringRedis {
    LettuceConnectionFactory factory;
    Cache cache;

    @Setup(Level.Trial)
    public void setUp() {
      factory = new LettuceConnectionFactory(new RedisClusterConfiguration(RedisNodes.hostPorts()));
      factory.afterPropertiesSet();
      factory.start();
      RedisCacheManager manager =
          RedisCacheManager.builder(factory)
              .cacheDefaults(RedisCacheConfiguration.defaultCacheConfig().entryTtl(LIFETIME))
              .build();
      manager.afterPropertiesSet();
      cache = manager.getCache("peer-spring");
      for (int i = 0; i < REMOTE_KEYS; i++) {
        cache.put(Data.REMOTE_KEY[i], Data.REMOTE_POST[i]);
      }
      for (String key : Data.REMOTE_KEY) {
        requireHit(cache.get(key), "Spring RedisCacheManager", key);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      factory.destroy();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Cache.ValueWrapper l0SpringCaffeine(SpringCaffeine s, Cursor c) {
    return s.cache.get(c.nextL0());
  }

  @Benchmark
  public Cache.ValueWrapper remoteSpringRedis(SpringRedis s, Cursor c) {
    return s.cache.get(c.nextRemote());
  }

  // ==================================================================== Redisson

  static RedissonClient redisson() {
    Config config = new Config();
    config.useClusterServers().addNodeAddress(RedisNodes.uris());
    return Redisson.create(config);
  }

  /** Redisson's RLocalCachedMap, options as its documentation shows (LFU, size bound, TTL). */
  @State(Scope.Benchmark)
  public static class RedissonL0 {
    RedissonClient redisson;
    RLocalCachedMap<String, Post> map;

    @Setup(Level.Trial)
    public void setUp() {
      redisson = redisson();
      map =
          redisson.getLocalCachedMap(
              LocalCachedMapOptions.<String, Post>name("peer-redisson-l0")
                  .cacheSize(BOUND)
                  .evictionPolicy(LocalCachedMapOptions.EvictionPolicy.LFU)
                  .timeToLive(LIFETIME));
      map.putAll(asMap(Data.L0_KEY, Data.L0_POST), 1_024);
      for (String key : Data.L0_KEY) {
        requireHit(map.get(key), "Redisson RLocalCachedMap", key);
      }
      if (map.getCachedMap().size() != L0_KEYS) {
        throw new IllegalStateException(
            "setup of Redisson RLocalCachedMap: the local cache holds "
                + map.getCachedMap().size());
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      redisson.shutdown();
    }
  }

  /** The remote read of RLocalCachedMap (HGET of its hash), through an RMap of the same kind. */
  @State(Scope.Benchmark)
  public static class RedissonRemote {
    RedissonClient redisson;
    RMap<String, Post> map;

    @Setup(Level.Trial)
    public void setUp() {
      redisson = redisson();
      map = redisson.getMap("peer-redisson-remote");
      map.putAll(asMap(Data.REMOTE_KEY, Data.REMOTE_POST), 1_024);
      for (String key : Data.REMOTE_KEY) {
        requireHit(map.get(key), "Redisson RMap", key);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      redisson.shutdown();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Post l0RedissonLocalCachedMap(RedissonL0 s, Cursor c) {
    return s.map.get(c.nextL0());
  }

  @Benchmark
  public Post remoteRedissonMap(RedissonRemote s, Cursor c) {
    return s.map.get(c.nextRemote());
  }

  // ==================================================================== JetCache

  static com.alicp.jetcache.Cache<String, Post> jetcacheRemote(
      RedisClusterClient client, String prefix) {
    return RedisLettuceCacheBuilder.createRedisLettuceCacheBuilder()
        .keyConvertor(Fastjson2KeyConvertor.INSTANCE)
        .valueEncoder(JavaValueEncoder.INSTANCE)
        .valueDecoder(JavaValueDecoder.INSTANCE)
        .redisClient(client)
        .keyPrefix(prefix)
        .expireAfterWrite(LIFETIME.toMillis(), TimeUnit.MILLISECONDS)
        .buildCache();
  }

  /** JetCache's two-level cache: a Caffeine local level over a Lettuce remote level. */
  @State(Scope.Benchmark)
  public static class JetCacheL0 {
    RedisClusterClient client;
    com.alicp.jetcache.Cache<String, Post> cache;

    @Setup(Level.Trial)
    public void setUp() {
      client = RedisClusterClient.create(RedisNodes.redisUris());
      com.alicp.jetcache.Cache<String, Post> local =
          CaffeineCacheBuilder.createCaffeineCacheBuilder()
              .limit(BOUND)
              .expireAfterWrite(LIFETIME.toMillis(), TimeUnit.MILLISECONDS)
              .buildCache();
      com.alicp.jetcache.Cache<String, Post> remote = jetcacheRemote(client, "peer-jetcache-l0:");
      cache =
          MultiLevelCacheBuilder.createMultiLevelCacheBuilder()
              .addCache(local, remote)
              .expireAfterWrite(LIFETIME.toMillis(), TimeUnit.MILLISECONDS)
              .buildCache();
      cache.putAll(asMap(Data.L0_KEY, Data.L0_POST));
      for (String key : Data.L0_KEY) {
        requireHit(local.get(key), "JetCache local level", key);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      cache.close();
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  /**
   * JetCache's remote level alone (RedisLettuceCache), as the two-level cache reads it on a local
   * miss.
   */
  @State(Scope.Benchmark)
  public static class JetCacheRemote {
    RedisClusterClient client;
    com.alicp.jetcache.Cache<String, Post> cache;

    @Setup(Level.Trial)
    public void setUp() {
      client = RedisClusterClient.create(RedisNodes.redisUris());
      cache = jetcacheRemote(client, "peer-jetcache-remote:");
      cache.putAll(asMap(Data.REMOTE_KEY, Data.REMOTE_POST));
      for (String key : Data.REMOTE_KEY) {
        requireHit(cache.get(key), "JetCache RedisLettuceCache", key);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      cache.close();
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Post l0JetCacheTwoLevel(JetCacheL0 s, Cursor c) {
    return s.cache.get(c.nextL0());
  }

  @Benchmark
  public Post remoteJetCache(JetCacheRemote s, Cursor c) {
    return s.cache.get(c.nextRemote());
  }
}
