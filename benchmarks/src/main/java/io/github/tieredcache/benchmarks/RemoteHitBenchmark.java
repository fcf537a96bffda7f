package io.github.tieredcache.benchmarks;

import io.github.tieredcache.TieredCache;
import io.github.tieredcache.redis.RedisTierStore;
import io.github.tieredcache.spi.Envelope;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.stats.CacheStats;
import io.lettuce.core.KeyValue;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A remote hit on the path a user's read takes: a cache built as the README builds it (the store
 * behind the breaker, the L0 on, meters bound), the key dropped from the L0 before each timed read
 * (in an untimed per-invocation setup), so each timed read is an L0 miss, the breaker, one MGET,
 * the decode and the L0 fill. A hit in hot, in warm and in cold (placed by age in {@code @Setup}),
 * against raw Lettuce {@code GET} of the same bytes plus the same Jackson decode; and a cold hit
 * against the naive sequential lookup of a straightforward three-layer cache (GET hot, then GET
 * warm, then GET cold, one after another, each layer its own key).
 *
 * <p>Budget (DESIGN.md): one round trip whatever the tier, at most 1.10 x raw GET + decode; a cold
 * hit at least 2.5 x faster than the sequential lookup.
 *
 * <p>Latency rows run in average time and in sample time (p50 / p99 / p99.9 in the JSON; the two
 * diagnostic rows in average time only); the {@code *AsyncBatch} rows measure throughput with
 * {@value #BATCH} requests in flight (one op is one read). {@code rawMgetDecode} is raw Lettuce's
 * {@code MGET} of four keys of one slot (one copy present), the command the store sends for a
 * lookup, so the gap between the library and raw Lettuce can be split into "MGET vs GET" and "the
 * library's own work". {@code tieredHotGetOnRawClient} is the hot hit through a store built on a
 * client made as the raw rows' is ({@code RedisTierStore.using(client)}), which tells the store's
 * own client settings (per-command timeouts, ...) apart from the rest; {@code storeReadDecode} is
 * the store's {@code read} alone plus the decode, the cache's share being the rest.
 *
 * <p>{@value #KEYS} keys per tier, spread over every primary, read round-robin. The raw keys share
 * the hash tag of the hot keys, so each raw read goes to the same node as its tiered twin. Each
 * side is a state of its own, so a fork sets up and connects only what its row reads.
 */
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class RemoteHitBenchmark {

  static final int KEYS = 256;
  static final int KMASK = KEYS - 1;
  static final int BATCH = 64;
  static final String PREFIX = "bench-remote";

  static final String[] HOT = new String[KEYS];
  static final String[] WARM = new String[KEYS];
  static final String[] COLD = new String[KEYS];

  static {
    for (int i = 0; i < KEYS; i++) {
      HOT[i] = "hot:" + i;
      WARM[i] = "warm:" + i;
      COLD[i] = "cold:" + i;
    }
  }

  /** Each thread's round-robin position, for the raw rows. */
  @State(Scope.Thread)
  public static class Cursor {
    int index;

    @SuppressWarnings({"unchecked", "rawtypes"})
    final CompletableFuture<Post>[] inFlight = new CompletableFuture[BATCH];

    int next() {
      return index++ & KMASK;
    }
  }

  /** The next key of a tier, dropped from the cache's L0 before each timed read, untimed. */
  abstract static class NextKey {
    int index;
    String key = "";

    void next(TieredCache<String, Post> cache, String[] keys) {
      key = keys[index++ & KMASK];
      cache.local().invalidate(key);
    }
  }

  /** The next hot key, dropped from the L0 first. */
  @State(Scope.Thread)
  public static class HotKey extends NextKey {
    @Setup(Level.Invocation)
    public void next(Tiered s) {
      next(s.cache, HOT);
    }
  }

  /** The next warm key, dropped from the L0 first. */
  @State(Scope.Thread)
  public static class WarmKey extends NextKey {
    @Setup(Level.Invocation)
    public void next(Tiered s) {
      next(s.cache, WARM);
    }
  }

  /** The next cold key, dropped from the L0 first. */
  @State(Scope.Thread)
  public static class ColdKey extends NextKey {
    @Setup(Level.Invocation)
    public void next(Tiered s) {
      next(s.cache, COLD);
    }
  }

  /** The next hot key for the diagnostic cache on the raw client, dropped from its L0 first. */
  @State(Scope.Thread)
  public static class HotKeyOnRawClient extends NextKey {
    @Setup(Level.Invocation)
    public void next(OnRawClient s) {
      next(s.cache, HOT);
    }
  }

  /** The next {@value #BATCH} hot keys, dropped from the L0 first, and their futures. */
  @State(Scope.Thread)
  public static class HotBatch {
    int index;
    final String[] keys = new String[BATCH];

    @SuppressWarnings({"unchecked", "rawtypes"})
    final CompletableFuture<Post>[] inFlight = new CompletableFuture[BATCH];

    @Setup(Level.Invocation)
    public void next(Tiered s) {
      for (int j = 0; j < BATCH; j++) {
        keys[j] = HOT[index++ & KMASK];
        s.cache.local().invalidate(keys[j]);
      }
    }
  }

  /** Places every key in its tier through {@code cache}, in bounded waves. */
  static void place(TieredCache<String, Post> cache, boolean allTiers) {
    String[][] tiers = allTiers ? new String[][] {HOT, WARM, COLD} : new String[][] {HOT};
    Duration[] ages = {BenchTiers.HOT_AGE, BenchTiers.WARM_AGE, BenchTiers.COLD_AGE};
    for (int t = 0; t < tiers.length; t++) {
      Post[] posts = new Post[KEYS];
      for (int i = 0; i < KEYS; i++) {
        posts[i] = RemoteFixture.post(i, ages[t]);
      }
      RemoteFixture.putAll(cache, tiers[t], posts);
    }
  }

  /** Fails unless the remote reads of the run all hit and none failed. */
  static void checkClean(RemoteFixture fixture, TieredCache<String, Post> cache) {
    long loads = fixture.loads.sum();
    long remoteErrors = cache.stats().remoteErrors();
    if (loads != 0 || remoteErrors != 0) {
      throw new IllegalStateException(
          "during the run the loader ran "
              + loads
              + " times and "
              + remoteErrors
              + " remote calls failed");
    }
  }

  // ====================================================================== states

  /** tiered-cache as a user builds it (breaker, L0 on, meters), every key in its tier. */
  @State(Scope.Benchmark)
  public static class Tiered {
    RemoteFixture fixture;
    TieredCache<String, Post> cache;

    /** The cache's namespace on the store and the encoded hot keys, for {@code storeReadDecode}. */
    final Namespace namespace =
        new Namespace(
            "remote", BenchTiers.hotWarmCold().names(), Namespace.DEFAULT_GENERATION_RETENTION);

    final byte[][] hotKeyBytes = new byte[KEYS][];

    @Setup(Level.Trial)
    public void setUp() {
      fixture = new RemoteFixture(PREFIX);
      cache = fixture.cache("remote");
      place(cache, /* allTiers= */ true);
      checkPlacement();
      for (int i = 0; i < KEYS; i++) {
        hotKeyBytes[i] = RemoteFixture.bytes(HOT[i]);
      }
    }

    /** Proves that hot, warm and cold keys are answered by their tier, and nothing loads. */
    private void checkPlacement() {
      String[][] byTier = {HOT, WARM, COLD};
      String[] names = {"hot", "warm", "cold"};
      for (int t = 0; t < 3; t++) {
        long before = hits(cache.stats(), names[t]);
        for (int i = 0; i < KEYS; i += 31) {
          cache.local().invalidate(byTier[t][i]); // the put filled the L0
          if (cache.get(byTier[t][i]) == null) {
            throw new IllegalStateException("setup: " + byTier[t][i] + " is not cached");
          }
        }
        long answered = hits(cache.stats(), names[t]) - before;
        if (answered != (KEYS + 30) / 31) {
          throw new IllegalStateException(
              "setup: the "
                  + names[t]
                  + " keys were answered "
                  + answered
                  + " times by the "
                  + names[t]
                  + " tier");
        }
      }
      if (fixture.loads.sum() != 0) {
        throw new IllegalStateException("setup: the loader ran " + fixture.loads.sum() + " times");
      }
    }

    private static long hits(CacheStats stats, String tier) {
      return stats.tier(tier).orElseThrow().hits();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      try {
        checkClean(fixture, cache);
      } finally {
        cache.close();
        fixture.close();
      }
    }
  }

  /**
   * Raw Lettuce (its defaults): the same bytes under keys of the hot keys' slots, and the naive
   * cache.
   */
  @State(Scope.Benchmark)
  public static class Raw {
    RemoteFixture fixture;
    RedisAdvancedClusterCommands<byte[], byte[]> sync;
    RedisAdvancedClusterAsyncCommands<byte[], byte[]> async;
    int payloadOffset;
    final byte[][] keys = new byte[KEYS][];
    final byte[][][] mgetKeys = new byte[KEYS][][];
    final byte[][] naiveHot = new byte[KEYS][];
    final byte[][] naiveWarm = new byte[KEYS][];
    final byte[][] naiveCold = new byte[KEYS][];

    @Setup(Level.Trial)
    public void setUp() {
      fixture = new RemoteFixture(PREFIX);
      sync = fixture.raw().sync();
      async = fixture.raw().async();
      List<CompletableFuture<?>> writes = new ArrayList<>();
      for (int i = 0; i < KEYS; i++) {
        byte[] copy = fixture.copyOf(RemoteFixture.post(i, BenchTiers.HOT_AGE));
        payloadOffset = fixture.payloadOffset(copy);
        String tag = "{" + HOT[i] + "}";
        keys[i] = RemoteFixture.bytes("raw:" + tag);
        writes.add(async.set(keys[i], copy).toCompletableFuture());
        mgetKeys[i] =
            new byte[][] {
              keys[i],
              RemoteFixture.bytes("raw:" + tag + ":warm"),
              RemoteFixture.bytes("raw:" + tag + ":cold"),
              RemoteFixture.bytes("raw:" + tag + ":gen")
            };
        // The naive cache: one plain key per layer (no shared hash tag, so the layers of one entry
        // sit in different slots, as they would), JSON values, the entry only in its cold layer.
        naiveHot[i] = RemoteFixture.bytes("naive:hot:post:" + i);
        naiveWarm[i] = RemoteFixture.bytes("naive:warm:post:" + i);
        naiveCold[i] = RemoteFixture.bytes("naive:cold:post:" + i);
        writes.add(async.del(naiveHot[i], naiveWarm[i]).toCompletableFuture());
        writes.add(
            async
                .set(naiveCold[i], fixture.codec.encode(RemoteFixture.post(i, BenchTiers.COLD_AGE)))
                .toCompletableFuture());
      }
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      fixture.close();
    }
  }

  /**
   * Diagnostic: tiered-cache over {@code RedisTierStore.using(client)}, a client made as the raw
   * rows' is.
   */
  @State(Scope.Benchmark)
  public static class OnRawClient {
    RemoteFixture fixture;
    RedisTierStore store;
    TieredCache<String, Post> cache;

    @Setup(Level.Trial)
    public void setUp() {
      fixture = new RemoteFixture(PREFIX);
      store = RedisTierStore.using(fixture.rawClient()).options(o -> o.keyPrefix(PREFIX)).build();
      cache = fixture.cache("remote", store, new SimpleMeterRegistry());
      place(cache, /* allTiers= */ false);
      cache.local().invalidate(HOT[0]);
      if (cache.get(HOT[0]) == null) {
        throw new IllegalStateException("setup: " + HOT[0] + " is not cached");
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      try {
        checkClean(fixture, cache);
      } finally {
        cache.close();
        store.close();
        fixture.close();
      }
    }
  }

  // ====================================================================== latency

  @Benchmark
  public Post tieredHotGet(Tiered s, HotKey k) {
    return s.cache.get(k.key);
  }

  @Benchmark
  public Post tieredWarmGet(Tiered s, WarmKey k) {
    return s.cache.get(k.key);
  }

  @Benchmark
  public Post tieredColdGet(Tiered s, ColdKey k) {
    return s.cache.get(k.key);
  }

  /**
   * Diagnostic: the store alone, as the cache calls it ({@code TierStore.read}: one MGET of the
   * key's tiers and generation), then the envelope and the decode; with {@code tieredHotGet} and
   * {@code rawMgetDecode} it splits the remote hit into the store's share and the cache's.
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  public Post storeReadDecode(Tiered s, Cursor c) {
    byte[] copy = s.fixture.store().read(s.namespace, s.hotKeyBytes[c.next()]).join().copy();
    return s.fixture.decode(copy, Envelope.parse(copy).payloadOffset());
  }

  /** Diagnostic: the hot hit through a store on a client made as the raw rows' is. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  public Post tieredHotGetOnRawClient(OnRawClient s, HotKeyOnRawClient k) {
    return s.cache.get(k.key);
  }

  /** The reference: raw Lettuce GET of the same bytes, then the same Jackson decode. */
  @Benchmark
  public Post rawGetDecode(Raw s, Cursor c) {
    return s.fixture.decode(s.sync.get(s.keys[c.next()]), s.payloadOffset);
  }

  /**
   * Diagnostic: raw Lettuce MGET of four keys of one slot (the store's lookup command), then the
   * decode.
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  public Post rawMgetDecode(Raw s, Cursor c) {
    List<KeyValue<byte[], byte[]>> values = s.sync.mget(s.mgetKeys[c.next()]);
    return s.fixture.decode(values.get(0).getValue(), s.payloadOffset);
  }

  /** The naive three-layer cache: GET hot, GET warm, GET cold, one after another. */
  @Benchmark
  public Post naiveSequentialColdGet(Raw s, Cursor c) {
    int i = c.next();
    byte[] value = s.sync.get(s.naiveHot[i]);
    if (value == null) {
      value = s.sync.get(s.naiveWarm[i]);
    }
    if (value == null) {
      value = s.sync.get(s.naiveCold[i]);
    }
    return value == null ? null : s.fixture.codec.decode(value, 0, value.length);
  }

  // ====================================================================== throughput, many in
  // flight

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @OperationsPerInvocation(BATCH)
  public void tieredHotGetAsyncBatch(Tiered s, HotBatch b, Blackhole bh) {
    CompletableFuture<Post>[] inFlight = b.inFlight;
    for (int j = 0; j < BATCH; j++) {
      inFlight[j] = s.cache.getAsync(b.keys[j]);
    }
    for (int j = 0; j < BATCH; j++) {
      bh.consume(inFlight[j].join());
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @OperationsPerInvocation(BATCH)
  public void rawGetDecodeAsyncBatch(Raw s, Cursor c, Blackhole bh) {
    CompletableFuture<Post>[] inFlight = c.inFlight;
    int offset = s.payloadOffset;
    RemoteFixture fixture = s.fixture;
    for (int j = 0; j < BATCH; j++) {
      inFlight[j] =
          s.async
              .get(s.keys[c.next()])
              .thenApply(copy -> fixture.decode(copy, offset))
              .toCompletableFuture();
    }
    for (int j = 0; j < BATCH; j++) {
      bh.consume(inFlight[j].join());
    }
  }
}
