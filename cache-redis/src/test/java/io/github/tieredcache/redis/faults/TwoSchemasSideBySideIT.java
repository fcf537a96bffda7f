package io.github.tieredcache.redis.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.tieredcache.TieredCache;
import io.github.tieredcache.codec.JacksonValueCodec;
import io.github.tieredcache.redis.RedisTierStore;
import io.github.tieredcache.redis.testkit.LocalRedisCluster;
import io.github.tieredcache.resilience.ResilientTierStore;
import io.github.tieredcache.stats.CacheStats;
import java.time.Duration;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A rolling deploy: two versions of the value class run side by side on one cache (a field renamed,
 * one added as required, one retyped from text to a number). Neither version ever returns a partial
 * or coerced object, each counts the other's copies as foreign misses, and neither overwrites the
 * other's copies in a loop: the copies written are bounded by the keys, not by the reads.
 */
class TwoSchemasSideBySideIT {

  private static final int KEYS = 20;

  /** The class as the old version of the application has it. */
  public record PostV1(long id, String title, String likes) {}

  /** The new version: title renamed to heading, likes now a number, author added. */
  public record PostV2(long id, String heading, long likes, String author) {}

  @Test
  void twoVersionsNeverReadEachOthersCopiesNorRewriteThemInALoop() throws Exception {
    String name = "schemas-" + UUID.randomUUID().toString().substring(0, 8);
    String seed = LocalRedisCluster.shared().seedUri();
    Queue<String> wrong = new ConcurrentLinkedQueue<>();
    AtomicLong loadsV1 = new AtomicLong();
    AtomicLong loadsV2 = new AtomicLong();
    try (ResilientTierStore storeV1 =
            ResilientTierStore.wrap(RedisTierStore.cluster(seed).build());
        ResilientTierStore storeV2 = ResilientTierStore.wrap(RedisTierStore.cluster(seed).build());
        TieredCache<Long, PostV1> v1 =
            TieredCache.<Long, PostV1>builder()
                .name(name)
                .store(storeV1)
                .keyCodec(io.github.tieredcache.codec.KeyCodec.longs())
                .valueCodec(JacksonValueCodec.of(PostV1.class))
                .loader(
                    id -> {
                      loadsV1.incrementAndGet();
                      return new PostV1(id, "title " + id, "42");
                    })
                .l0Disabled()
                .build();
        TieredCache<Long, PostV2> v2 =
            TieredCache.<Long, PostV2>builder()
                .name(name)
                .store(storeV2)
                .keyCodec(io.github.tieredcache.codec.KeyCodec.longs())
                .valueCodec(JacksonValueCodec.of(PostV2.class))
                .loader(
                    id -> {
                      loadsV2.incrementAndGet();
                      return new PostV2(id, "title " + id, 42, "author " + id);
                    })
                .l0Disabled()
                .build()) {
      long reads = 0;
      long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (System.nanoTime() < until) {
        long id = ThreadLocalRandom.current().nextLong(KEYS);
        if (ThreadLocalRandom.current().nextBoolean()) {
          PostV1 p = v1.get(id);
          if (p.title() == null || !"42".equals(p.likes())) {
            wrong.add("v1 " + p);
          }
        } else {
          PostV2 p = v2.get(id);
          if (p.heading() == null || p.author() == null || p.likes() != 42) {
            wrong.add("v2 " + p);
          }
        }
        reads++;
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> v1.stats().puts() + v2.stats().puts() > 0);
      CacheStats s1 = v1.stats();
      CacheStats s2 = v2.stats();
      System.out.printf(
          "two schemas side by side over %d keys: %,d reads; copies written v1 %d, v2 %d; foreign"
              + " copies seen v1 %,d, v2 %,d; decode errors %d; loads v1 %,d, v2 %,d%n",
          KEYS,
          reads,
          s1.puts(),
          s2.puts(),
          s1.foreignCopies(),
          s2.foreignCopies(),
          s1.decodeErrors() + s2.decodeErrors(),
          loadsV1.get(),
          loadsV2.get());

      assertThat(wrong).as("partial or coerced objects").isEmpty();
      assertThat(s1.decodeErrors() + s2.decodeErrors())
          .as("copies deleted as undecodable")
          .isZero();
      assertThat(s1.foreignCopies() + s2.foreignCopies()).isPositive();
      assertThat(s1.puts() + s2.puts())
          .as("copies written: at most one per key and version, not one per read")
          .isLessThanOrEqualTo(2L * KEYS);
    }
  }
}
