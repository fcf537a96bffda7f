package io.github.tieredcache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.tieredcache.TieredCache;
import io.github.tieredcache.codec.ValueCodec;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two instances of one cache, each with its own store (own Lettuce client, own pub/sub connection)
 * on the shared cluster: a put on one drops the other's L0 copy through the invalidation message.
 * Measures how long the other instance keeps answering the old value, and prints p50/p99.
 */
class CrossInstanceInvalidationIT {

  private static final int ROUNDS = 300;

  private RedisTierStore storeA;
  private RedisTierStore storeB;
  private TieredCache<String, String> a;
  private TieredCache<String, String> b;

  @BeforeEach
  void open() {
    String name = "xinv-" + UUID.randomUUID().toString().substring(0, 8);
    storeA = TestRedis.onSharedCluster().build();
    storeB = TestRedis.onSharedCluster().build();
    a = cache(name, storeA);
    b = cache(name, storeB);
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
    storeA.close();
    storeB.close();
  }

  private static TieredCache<String, String> cache(String name, RedisTierStore store) {
    return TieredCache.<String, String>builder()
        .name(name)
        .store(store)
        .valueCodec(ValueCodec.utf8())
        .l0ExpireAfterWrite(Duration.ofMinutes(5)) // only the message can end an L0 copy here
        .build();
  }

  @Test
  void aPutOnOneInstanceEndsTheOtherInstancesL0CopyWithinMilliseconds() {
    // Both subscriptions are up once a put on a reaches b's L0.
    b.get("warm-up", k -> "old");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              a.put("warm-up", "new-" + System.nanoTime());
              return !"old".equals(b.getIfPresent("warm-up"));
            });

    long[] fromCall = new long[ROUNDS];
    long[] fromReturn = new long[ROUNDS];
    for (int i = 0; i < ROUNDS; i++) {
      String key = "k-" + i;
      assertThat(b.get(key, k -> "v0")).isEqualTo("v0"); // now in b's L0
      assertThat(b.getIfPresent(key)).isEqualTo("v0");

      long called = System.nanoTime();
      a.put(key, "v1");
      long returned = System.nanoTime();
      long deadline = returned + Duration.ofSeconds(5).toNanos();
      while (!"v1".equals(b.getIfPresent(key))) {
        assertThat(System.nanoTime())
            .as("round %d: b still answers v0 after 5 s", i)
            .isLessThan(deadline);
        Thread.yield();
      }
      long seen = System.nanoTime();
      fromCall[i] = seen - called;
      fromReturn[i] = Math.max(0, seen - returned);
    }

    Arrays.sort(fromCall);
    Arrays.sort(fromReturn);
    System.out.printf(
        "cross-instance invalidation delay over %d puts: from put() call p50 %.2f ms, p99 %.2f ms,"
            + " max %.2f ms; from put() return p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
        ROUNDS,
        ms(fromCall, 0.50),
        ms(fromCall, 0.99),
        ms(fromCall, 1.0),
        ms(fromReturn, 0.50),
        ms(fromReturn, 0.99),
        ms(fromReturn, 1.0));
  }

  @Test
  void invalidateAllOnOneInstanceEmptiesTheOthersL0AndRemoteView() {
    for (int i = 0; i < 20; i++) {
      b.get("all-" + i, k -> "old");
    }
    b.get("warm-up", k -> "old");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              a.put("warm-up", "new-" + System.nanoTime());
              return !"old".equals(b.getIfPresent("warm-up"));
            });

    a.invalidateAll();

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              for (int i = 0; i < 20; i++) {
                assertThat(b.getIfPresent("all-" + i)).as("all-%d", i).isNull();
              }
            });
  }

  private static double ms(long[] sorted, double quantile) {
    int index =
        Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(quantile * sorted.length) - 1));
    return sorted[index] / 1_000_000.0;
  }
}
