package io.github.tieredcache.benchmarks;

import io.github.tieredcache.TieredCache;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * A bulk read of {@value #BATCH} keys spread over the cluster's primaries, each dropped from the L0
 * first (untimed): {@code getAll} against {@value #BATCH} single {@code get}s one after another,
 * and against raw Lettuce reads of the same keys pipelined per node (every GET written, one flush,
 * then every answer awaited and decoded).
 *
 * <p>Budgets (DESIGN.md, issue 10): at least 10 x faster than the single gets, and within 1.25 x of
 * raw Lettuce's MGETs per slot pipelined per node ({@code rawPipelinedMgets}).
 *
 * <p>{@value #POOL} hot-tier keys; each op reads the next window of {@value #BATCH} of them, so the
 * batches differ while every op reads the same number of keys per node on average.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class BulkGetBenchmark {

  static final int BATCH = 100;
  static final int POOL = 300;
  static final int WINDOWS = POOL / BATCH;

  RemoteFixture fixture;
  TieredCache<String, Post> cache;
  StatefulRedisClusterConnection<byte[], byte[]> pipelined;
  RedisAdvancedClusterAsyncCommands<byte[], byte[]> pipelinedAsync;
  int payloadOffset;

  List<List<String>> windows = new ArrayList<>();
  byte[][][] rawWindows = new byte[WINDOWS][BATCH][];

  /** Per window, the raw keys grouped by slot: one MGET each (a cross-slot MGET is refused). */
  List<List<byte[][]>> rawSlotGroups = new ArrayList<>();

  /** Per window, the node connection (auto-flush off) each slot group is sent on. */
  List<List<StatefulRedisConnection<byte[], byte[]>>> rawGroupNodes = new ArrayList<>();

  /** Every node connection the raw MGET row uses, each flushed once per op. */
  List<StatefulRedisConnection<byte[], byte[]>> rawNodes = new ArrayList<>();

  /** Each thread's window and its in-flight raw futures. */
  @State(Scope.Thread)
  public static class Cursor {
    int window;

    @SuppressWarnings({"unchecked", "rawtypes"})
    final RedisFuture<byte[]>[] inFlight = new RedisFuture[BATCH];

    int next() {
      int w = window;
      window = (w + 1) % WINDOWS;
      return w;
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    fixture = new RemoteFixture("bench-bulk");
    cache = fixture.cache("bulk");
    // A connection of its own, since pipelining switches auto-flush off for the connection.
    pipelined = fixture.rawClient().connect(ByteArrayCodec.INSTANCE);
    pipelinedAsync = pipelined.async();
    List<CompletableFuture<?>> writes = new ArrayList<>();
    for (int w = 0; w < WINDOWS; w++) {
      List<String> keys = new ArrayList<>(BATCH);
      for (int j = 0; j < BATCH; j++) {
        int i = w * BATCH + j;
        String key = "post:" + i;
        keys.add(key);
        Post post = RemoteFixture.post(i, BenchTiers.HOT_AGE);
        cache.put(key, post); // one at a time: a burst would open the breaker (slow calls)
        byte[] copy = fixture.copyOf(post);
        payloadOffset = fixture.payloadOffset(copy);
        rawWindows[w][j] = RemoteFixture.bytes("raw:{" + key + "}");
        writes.add(fixture.raw().async().set(rawWindows[w][j], copy).toCompletableFuture());
      }
      windows.add(List.copyOf(keys));
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
    // Every key read once while auto-flush is still on, so the pipelined connection has opened the
    // connection to each key's primary: with auto-flush off, a GET whose node connection opens
    // after the flush is never flushed (one fork of rawPipelinedGets hung a minute on one).
    List<CompletableFuture<?>> warm = new ArrayList<>();
    for (byte[][] window : rawWindows) {
      for (byte[] key : window) {
        warm.add(pipelinedAsync.get(key).toCompletableFuture());
      }
    }
    CompletableFuture.allOf(warm.toArray(CompletableFuture[]::new)).join();
    pipelined.setAutoFlushCommands(false);
    for (byte[][] window : rawWindows) {
      Map<Integer, List<byte[]>> bySlot = new java.util.TreeMap<>();
      for (byte[] key : window) {
        bySlot.computeIfAbsent(SlotHash.getSlot(key), slot -> new ArrayList<>()).add(key);
      }
      rawSlotGroups.add(bySlot.values().stream().map(g -> g.toArray(byte[][]::new)).toList());
      List<StatefulRedisConnection<byte[], byte[]>> nodes = new ArrayList<>();
      for (int slot : bySlot.keySet()) {
        // Each slot's primary, connected now: a cluster connection with auto-flush off does not
        // flush a command whose node connection opens after the flush (an MGET hung for a minute).
        String nodeId = pipelined.getPartitions().getPartitionBySlot(slot).getNodeId();
        StatefulRedisConnection<byte[], byte[]> node = pipelined.getConnection(nodeId);
        if (!rawNodes.contains(node)) {
          node.setAutoFlushCommands(false);
          rawNodes.add(node);
        }
        nodes.add(node);
      }
      rawGroupNodes.add(nodes);
    }
    for (List<String> keys : windows) {
      keys.forEach(cache.local()::invalidate);
      Map<String, Post> all = cache.getAll(keys);
      if (all.size() != BATCH) {
        throw new IllegalStateException(
            "setup: getAll found " + all.size() + " of " + BATCH + " keys");
      }
    }
    if (RedisNodes.primaries() < 3) {
      throw new IllegalStateException("setup: the cluster has fewer than 3 primaries");
    }
  }

  /**
   * The next window of keys for the tiered rows, dropped from the cache's L0 before each timed
   * call, untimed, so every timed read goes to Redis as a user's first read of them would.
   */
  @State(Scope.Thread)
  public static class TieredWindow {
    int window;
    List<String> keys = List.of();

    @Setup(Level.Invocation)
    public void next(BulkGetBenchmark b) {
      keys = b.windows.get(window);
      window = (window + 1) % WINDOWS;
      for (String key : keys) {
        b.cache.local().invalidate(key);
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    long loads = fixture.loads.sum();
    long remoteErrors = cache.stats().remoteErrors();
    cache.close();
    pipelined.close();
    fixture.close();
    if (loads != 0 || remoteErrors != 0) {
      throw new IllegalStateException(
          "during the run the loader ran "
              + loads
              + " times and "
              + remoteErrors
              + " remote calls failed");
    }
  }

  @Benchmark
  public Map<String, Post> tieredGetAll(TieredWindow w) {
    return cache.getAll(w.keys);
  }

  /** The reference of the budget: the same keys, one {@code get} after another. */
  @Benchmark
  public void tieredSingleGets(TieredWindow w, Blackhole bh) {
    for (String key : w.keys) {
      bh.consume(cache.get(key));
    }
  }

  /**
   * Raw Lettuce, the reference of the by-node budget: one MGET per slot of the window's keys, each
   * on its primary's connection with auto-flush off, one flush per node (a burst per node), then
   * every value decoded. What the store sends for a bulk read, but with one key per lookup where
   * the store reads each tier's and the generation, so a lower bound.
   */
  @Benchmark
  public void rawPipelinedMgets(MgetCursor c, Blackhole bh) {
    int w = c.next();
    List<byte[][]> groups = rawSlotGroups.get(w);
    List<StatefulRedisConnection<byte[], byte[]>> nodes = rawGroupNodes.get(w);
    List<RedisFuture<List<KeyValue<byte[], byte[]>>>> inFlight = c.inFlight;
    inFlight.clear();
    for (int g = 0; g < groups.size(); g++) {
      inFlight.add(nodes.get(g).async().mget(groups.get(g)));
    }
    for (StatefulRedisConnection<byte[], byte[]> node : rawNodes) {
      node.flushCommands();
    }
    int offset = payloadOffset;
    for (RedisFuture<List<KeyValue<byte[], byte[]>>> values : inFlight) {
      for (KeyValue<byte[], byte[]> value : values.toCompletableFuture().join()) {
        bh.consume(fixture.decode(value.getValue(), offset));
      }
    }
  }

  /** Each thread's window and its in-flight MGETs. */
  @State(Scope.Thread)
  public static class MgetCursor {
    int window;
    final List<RedisFuture<List<KeyValue<byte[], byte[]>>>> inFlight = new ArrayList<>();

    int next() {
      int w = window;
      window = (w + 1) % WINDOWS;
      return w;
    }
  }

  /**
   * Raw Lettuce: every GET written with auto-flush off, one flush (a burst per node), then decode.
   */
  @Benchmark
  public void rawPipelinedGets(Cursor c, Blackhole bh) {
    byte[][] keys = rawWindows[c.next()];
    RedisFuture<byte[]>[] inFlight = c.inFlight;
    for (int j = 0; j < BATCH; j++) {
      inFlight[j] = pipelinedAsync.get(keys[j]);
    }
    pipelined.flushCommands();
    int offset = payloadOffset;
    for (int j = 0; j < BATCH; j++) {
      bh.consume(fixture.decode(inFlight[j].toCompletableFuture().join(), offset));
    }
  }
}
