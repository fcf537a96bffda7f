package io.github.tieredcache.redis.faults;

import static org.awaitility.Awaitility.await;

import io.github.tieredcache.Freshness;
import io.github.tieredcache.TieredCache;
import io.github.tieredcache.codec.ValueCodec;
import io.github.tieredcache.redis.RedisTierStore;
import io.github.tieredcache.redis.testkit.LocalRedisCluster;
import io.github.tieredcache.resilience.ResilientTierStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The fault suite's workload: several instances of one cache in the invalidation mode, each with
 * its own client, store, breaker and subscription, on one cluster; one reader thread per instance
 * over {@value #KEYS} keys; a writer that every 50 ms updates a versioned database and then calls
 * {@code put} or {@code invalidate} on a random instance. A read is <em>stale</em> when it starts
 * more than {@link #LAG} after a newer version's call returned and still returns the older one; it
 * <em>breaks the bound</em> when it starts more than the cache's max staleness after that.
 */
final class FreshnessHarness implements AutoCloseable {

  static final int KEYS = 200;
  static final Duration LAG = Duration.ofMillis(200);
  static final Duration TICK = Duration.ofMillis(1);

  private final Map<String, Long> database = new ConcurrentHashMap<>();

  /** Per key: when each version's put/invalidate returned (nanos), by that instant. */
  private final Map<String, ConcurrentSkipListMap<Long, Long>> returnedAt =
      new ConcurrentHashMap<>();

  private final Map<String, Map<Long, Long>> returnedOf = new ConcurrentHashMap<>();
  private final List<ResilientTierStore> stores = new ArrayList<>();
  private final List<TieredCache<String, String>> caches = new ArrayList<>();
  private final Duration maxStaleness;
  private final AtomicBoolean running = new AtomicBoolean();
  private final List<Thread> readers = new ArrayList<>();
  private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
  private final AtomicLong reads = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong loads = new AtomicLong();
  private final AtomicLong slowestWrite = new AtomicLong();
  private final Queue<Throwable> callerExceptions = new ConcurrentLinkedQueue<>();
  private final Queue<long[]> stale = new ConcurrentLinkedQueue<>(); // {instance, age nanos}
  private final Queue<long[]> latencies = new ConcurrentLinkedQueue<>(); // one array per reader

  FreshnessHarness(LocalRedisCluster cluster, int instances, Duration maxStaleness) {
    this.maxStaleness = maxStaleness;
    String name = "faults-" + UUID.randomUUID().toString().substring(0, 8);
    for (int i = 0; i < KEYS; i++) {
      database.put(key(i), 0L);
    }
    for (int i = 0; i < instances; i++) {
      ResilientTierStore store =
          ResilientTierStore.wrap(RedisTierStore.cluster(cluster.seedUri()).build());
      stores.add(store);
      caches.add(
          TieredCache.<String, String>builder()
              .name(name)
              .store(store)
              .valueCodec(ValueCodec.utf8())
              .freshness(Freshness.byInvalidation(maxStaleness))
              .loader(
                  key -> {
                    loads.incrementAndGet();
                    return key + "=" + database.get(key);
                  })
              .build());
    }
  }

  private static String key(int i) {
    return "post-" + i;
  }

  /** Lets the load run for {@code duration}: awaits the clock, not a condition. */
  static void pause(Duration duration) {
    long until = System.nanoTime() + duration.toNanos();
    await()
        .atMost(duration.plusSeconds(5))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> System.nanoTime() >= until);
  }

  /** Starts the readers and the writer. */
  void start() {
    running.set(true);
    for (int i = 0; i < caches.size(); i++) {
      int instance = i;
      Thread t = new Thread(() -> read(instance), "reader-" + i);
      t.setDaemon(true);
      readers.add(t);
      t.start();
    }
    writer.scheduleAtFixedRate(this::write, 50, 50, TimeUnit.MILLISECONDS);
  }

  private void read(int instance) {
    TieredCache<String, String> cache = caches.get(instance);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long[] took = new long[1 << 16];
    int n = 0;
    while (running.get()) {
      String key = key(random.nextInt(KEYS));
      long start = System.nanoTime();
      String value;
      try {
        value = cache.get(key);
      } catch (RuntimeException e) {
        callerExceptions.add(e);
        continue;
      }
      long elapsed = System.nanoTime() - start;
      if (n == took.length) {
        took = Arrays.copyOf(took, n * 2);
      }
      took[n++] = elapsed;
      reads.incrementAndGet();
      long version = Long.parseLong(value.substring(value.indexOf('=') + 1));
      ConcurrentSkipListMap<Long, Long> byInstant = returnedAt.get(key);
      if (byInstant != null) {
        Map.Entry<Long, Long> due = byInstant.floorEntry(start - LAG.toNanos());
        if (due != null && due.getValue() > version) {
          long newerReturned = returnedOf.get(key).get(version + 1);
          stale.add(new long[] {instance, start - newerReturned});
        }
      }
      LockSupport.parkNanos(100_000); // pace: about 10 k reads/s per instance at most
    }
    latencies.add(Arrays.copyOf(took, n));
  }

  private void write() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String key = key(random.nextInt(KEYS));
    long version = database.merge(key, 1L, Long::sum);
    TieredCache<String, String> cache = caches.get(random.nextInt(caches.size()));
    long started = System.nanoTime();
    try {
      if (random.nextBoolean()) {
        cache.put(key, key + "=" + version);
      } else {
        cache.invalidate(key);
      }
    } catch (RuntimeException e) {
      callerExceptions.add(e);
    }
    long now = System.nanoTime();
    slowestWrite.accumulateAndGet(now - started, Math::max);
    returnedOf.computeIfAbsent(key, k -> new ConcurrentHashMap<>()).put(version, now);
    returnedAt.computeIfAbsent(key, k -> new ConcurrentSkipListMap<>()).put(now, version);
    writes.incrementAndGet();
  }

  /** Stops the load and returns what it saw. */
  Report stop() throws InterruptedException {
    running.set(false);
    writer.shutdown();
    writer.awaitTermination(10, TimeUnit.SECONDS);
    for (Thread t : readers) {
      t.join(10_000);
    }
    // The L0 reads a clock that advances in 1 ms steps (CoarseTicker): an entry may outlive its
    // lifetime by that step, as docs/CONSISTENCY.md states.
    long bound = maxStaleness.plus(TICK).toNanos();
    long[] perInstance = new long[caches.size()];
    long beyondBound = 0;
    long oldest = 0;
    for (long[] s : stale) {
      perInstance[(int) s[0]]++;
      oldest = Math.max(oldest, s[1]);
      if (s[1] > bound) {
        beyondBound++;
      }
    }
    long[] all = latencies.stream().flatMapToLong(java.util.Arrays::stream).sorted().toArray();
    long p99 = all.length == 0 ? 0 : all[(int) Math.min(all.length - 1, all.length * 0.99)];
    long max = all.length == 0 ? 0 : all[all.length - 1];
    return new Report(
        reads.get(),
        writes.get(),
        loads.get(),
        List.copyOf(callerExceptions),
        stale.size(),
        beyondBound,
        oldest / 1_000_000,
        perInstance,
        p99 / 1_000,
        max / 1_000,
        slowestWrite.get() / 1_000);
  }

  /** The reads that one run saw. */
  record Report(
      long reads,
      long writes,
      long loads,
      List<Throwable> callerExceptions,
      long staleReads,
      long staleBeyondBound,
      long oldestStaleMillis,
      long[] stalePerInstance,
      long p99Micros,
      long maxMicros,
      long slowestWriteMicros) {

    String line(String scenario) {
      return String.format(
          "fault suite | %-34s | reads %,d | writes %,d | loads %,d | caller exceptions %d |"
              + " stale (>%d ms) %d %s | beyond the bound %d | oldest stale %d ms"
              + " | get p99 %.2f ms, max %.1f ms | put/invalidate max %.1f ms",
          scenario,
          reads,
          writes,
          loads,
          callerExceptions.size(),
          LAG.toMillis(),
          staleReads,
          Arrays.toString(stalePerInstance),
          staleBeyondBound,
          oldestStaleMillis,
          p99Micros / 1000.0,
          maxMicros / 1000.0,
          slowestWriteMicros / 1000.0);
    }
  }

  @Override
  public void close() {
    running.set(false);
    writer.shutdownNow();
    caches.forEach(TieredCache::close);
    stores.forEach(ResilientTierStore::close);
  }
}
