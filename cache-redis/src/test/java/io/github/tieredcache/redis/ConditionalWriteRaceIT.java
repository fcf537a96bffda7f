package io.github.tieredcache.redis;

import static io.github.tieredcache.redis.TestRedis.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.tieredcache.spi.Lookup;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.Write;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A load that read a key's generation and writes after a {@code remove}, {@code put} or {@code
 * clear} returned must never leave its copy visible: many rounds, random timing, the load on one
 * instance (store) and the invalidation on another, several keys racing at once.
 */
class ConditionalWriteRaceIT {

  private static final Duration LONG = Duration.ofMinutes(5);
  private static final int ROUNDS = 300;
  private static final int KEYS_PER_ROUND = 4;

  private RedisTierStore loader;
  private RedisTierStore invalidator;
  private ExecutorService pool;

  @BeforeEach
  void open() {
    loader = TestRedis.onSharedCluster().build();
    invalidator = TestRedis.onSharedCluster().build();
    pool = Executors.newFixedThreadPool(2 * KEYS_PER_ROUND);
  }

  @AfterEach
  void close() {
    pool.shutdownNow();
    loader.close();
    invalidator.close();
  }

  @Test
  void noStaleLoadSurvivesARemove() throws Exception {
    race((ns, key) -> invalidator.remove(ns, key).join(), /* fresh= */ null);
  }

  @Test
  void noStaleLoadSurvivesAPut() throws Exception {
    race(
        (ns, key) -> invalidator.put(ns, new Write(key, 2, ascii("fresh"), LONG, 0)).join(),
        "fresh");
  }

  @Test
  void noStaleLoadSurvivesAClear() throws Exception {
    race((ns, key) -> invalidator.clear(ns).join(), /* fresh= */ null);
  }

  private void race(BiConsumer<Namespace, byte[]> invalidate, String fresh) throws Exception {
    Namespace ns = TestRedis.uniqueNamespace("hot", "warm", "cold");
    int writesThatLanded = 0;
    for (int round = 0; round < ROUNDS; round++) {
      List<byte[]> keys = new ArrayList<>();
      List<Long> seen = new ArrayList<>();
      for (int k = 0; k < KEYS_PER_ROUND; k++) {
        byte[] key = ascii("race-" + round + "-" + k);
        keys.add(key);
        seen.add(loader.read(ns, key).join().generation());
      }
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> writers = new ArrayList<>();
      List<Future<?>> invalidations = new ArrayList<>();
      for (int k = 0; k < KEYS_PER_ROUND; k++) {
        byte[] key = keys.get(k);
        long generation = seen.get(k);
        Callable<Boolean> writer =
            () -> {
              start.await();
              spin();
              return loader
                  .writeIfGeneration(ns, new Write(key, 0, ascii("stale"), LONG, generation))
                  .join();
            };
        Callable<Object> invalidation =
            () -> {
              start.await();
              spin();
              invalidate.accept(ns, key);
              return null;
            };
        // On two cores the task submitted first tends to run first: toss a coin.
        if (ThreadLocalRandom.current().nextBoolean()) {
          writers.add(pool.submit(writer));
          invalidations.add(pool.submit(invalidation));
        } else {
          invalidations.add(pool.submit(invalidation));
          writers.add(pool.submit(writer));
        }
      }
      start.countDown();
      for (Future<?> f : invalidations) {
        f.get(10, TimeUnit.SECONDS);
      }
      for (Future<Boolean> f : writers) {
        if (f.get(10, TimeUnit.SECONDS)) {
          writesThatLanded++;
        }
      }
      // Once both returned, the stale copy must not be visible to the invalidating instance, nor to
      // a third instance that knows nothing yet.
      for (byte[] key : keys) {
        Lookup after = invalidator.read(ns, key).join();
        String copy = after.isHit() ? new String(after.copy()) : null;
        assertThat(copy).as("round %d key %s", round, new String(key)).isEqualTo(fresh);
      }
    }
    // How the races went: a load that reports "written" wrote before the invalidation (which then
    // removed it) or, for a clear, into the epoch the clear retired.
    System.out.printf(
        "%s: %d of %d stale loads reported written, none visible afterwards%n",
        ns.cacheName(), writesThatLanded, ROUNDS * KEYS_PER_ROUND);
  }

  private static void spin() {
    long until = System.nanoTime() + ThreadLocalRandom.current().nextLong(300_000);
    while (System.nanoTime() < until) {
      Thread.onSpinWait();
    }
  }
}
