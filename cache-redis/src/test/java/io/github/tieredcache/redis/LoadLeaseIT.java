package io.github.tieredcache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tieredcache.Tier;
import io.github.tieredcache.TieredCache;
import io.github.tieredcache.codec.ValueCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The fleet-wide load lease on the local cluster, in the setting the issue measured: one hot key
 * (TTL 2 s) read by 16 threads over 8 instances, each instance with its own store (own Lettuce
 * client and pub/sub connection), a loader that takes 50 ms. Every time the key's copy expires, all
 * 8 instances miss at once (an L0 entry never outlives its remote copy). With the lease, each
 * expiry costs exactly one loader call; without it, nearly one per instance. Both are printed.
 */
class LoadLeaseIT {

  private static final int INSTANCES = 8;
  private static final int THREADS = 16;
  private static final Duration TTL = Duration.ofSeconds(2);
  private static final Duration RUN = Duration.ofSeconds(11); // five expiries after the first load

  /** The loads of one run: when each loader call started. */
  private record Run(List<Long> starts) {

    /** Groups loads less than a TTL apart: one group per expiry. */
    List<Integer> loadsPerExpiry() {
      List<Integer> groups = new ArrayList<>();
      long groupStart = Long.MIN_VALUE;
      for (long start : starts) {
        if (groups.isEmpty() || start - groupStart >= TTL.toNanos() / 2) {
          groups.add(1);
          groupStart = start;
        } else {
          groups.set(groups.size() - 1, groups.get(groups.size() - 1) + 1);
        }
      }
      return groups;
    }
  }

  private static Run run(Duration lease) throws Exception {
    String name = "lease-" + UUID.randomUUID().toString().substring(0, 8);
    ConcurrentLinkedQueue<Long> starts = new ConcurrentLinkedQueue<>();
    List<RedisTierStore> stores = new ArrayList<>();
    List<TieredCache<String, String>> fleet = new ArrayList<>();
    ExecutorService readers = Executors.newFixedThreadPool(THREADS);
    AtomicBoolean stop = new AtomicBoolean();
    try {
      for (int i = 0; i < INSTANCES; i++) {
        RedisTierStore store = TestRedis.onSharedCluster().build();
        stores.add(store);
        fleet.add(
            TieredCache.<String, String>builder()
                .name(name)
                .store(store)
                .tiers(Tier.named("hot").ttl(TTL))
                .valueCodec(ValueCodec.utf8())
                .loadLease(lease)
                .build());
      }
      for (TieredCache<String, String> cache : fleet) {
        cache.get("warm-up", k -> "connected"); // each client connected before the run starts
      }
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        TieredCache<String, String> cache = fleet.get(t % INSTANCES);
        work.add(
            readers.submit(
                () -> {
                  while (!stop.get()) {
                    assertThat(cache.get("hot-post", LoadLeaseIT::loadFromDatabase))
                        .startsWith("post");
                    // Each reader paces itself (about 1,000 reads/s) so 16 of them leave the two
                    // cores to the Redis servers and the clients' I/O threads.
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                  }
                  return null;
                }));
      }
      starts.clear(); // count from here; the loader below adds to it
      STARTS.set(starts);
      long end = System.nanoTime() + RUN.toNanos();
      while (System.nanoTime() < end) {
        for (Future<?> f : work) {
          if (f.isDone()) {
            f.get(); // a reader failed: report why
          }
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
      stop.set(true);
      for (Future<?> f : work) {
        f.get(10, TimeUnit.SECONDS);
      }
      return new Run(List.copyOf(starts));
    } finally {
      stop.set(true);
      readers.shutdownNow();
      fleet.forEach(TieredCache::close);
      stores.forEach(RedisTierStore::close);
    }
  }

  private static final java.util.concurrent.atomic.AtomicReference<ConcurrentLinkedQueue<Long>>
      STARTS = new java.util.concurrent.atomic.AtomicReference<>(new ConcurrentLinkedQueue<>());

  /** The database: 50 ms per query, every call recorded. */
  private static String loadFromDatabase(String id) {
    STARTS.get().add(System.nanoTime());
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    return "post " + id + " loaded at " + System.nanoTime();
  }

  @Test
  void aHotKeyExpiringUnderEightInstancesCostsOneLoadPerExpiryWithTheLease() throws Exception {
    Run without = run(Duration.ZERO);
    Run with = run(Duration.ofSeconds(1));

    List<Integer> withLease = with.loadsPerExpiry();
    List<Integer> withoutLease = without.loadsPerExpiry();
    System.out.printf(
        "hot key (TTL %d s, 50 ms loader), %d threads over %d instances, %d s: without the lease"
            + " %d loads over %d expiries (%.2f per expiry, %s); with the lease %d loads over %d"
            + " expiries (%.2f per expiry, %s)%n",
        TTL.toSeconds(),
        THREADS,
        INSTANCES,
        RUN.toSeconds(),
        without.starts().size(),
        withoutLease.size(),
        (double) without.starts().size() / withoutLease.size(),
        withoutLease,
        with.starts().size(),
        withLease.size(),
        (double) with.starts().size() / withLease.size(),
        withLease);

    assertThat(withLease).as("expiries seen").hasSizeGreaterThanOrEqualTo(5);
    assertThat(withLease).as("loader calls per expiry with the lease").containsOnly(1);
    assertThat(without.starts().size())
        .as("without the lease, instances load the same expiry")
        .isGreaterThan(withoutLease.size());
  }
}
