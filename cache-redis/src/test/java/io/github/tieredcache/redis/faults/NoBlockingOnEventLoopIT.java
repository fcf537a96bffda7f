package io.github.tieredcache.redis.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.tieredcache.Freshness;
import io.github.tieredcache.TieredCache;
import io.github.tieredcache.codec.ValueCodec;
import io.github.tieredcache.redis.RedisTierStore;
import io.github.tieredcache.redis.testkit.LocalRedisCluster;
import io.github.tieredcache.resilience.ResilientTierStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockHound;

/**
 * No code of ours blocks a Lettuce event-loop thread: every callback the cache runs when a Redis
 * reply arrives (L0 fills, write-backs, promotions, invalidation messages, heartbeats, failures,
 * breaker transitions) runs on those threads, and a blocking call there stalls every connection the
 * loop serves. BlockHound instruments the JDK's blocking methods; a call from a Lettuce event or
 * computation loop (not its timer, which sleeps by design) whose stack holds a frame of the library
 * is a finding. Allowed: logging (it writes to a stream), Lettuce's and Netty's own code, and the
 * brief locks of resilience4j's metrics, Caffeine's maintenance and Lettuce's endpoint (below).
 */
class NoBlockingOnEventLoopIT {

  private static final Queue<String> findings = new ConcurrentLinkedQueue<>();

  static {
    BlockHound.builder()
        .nonBlockingThreadPredicate(p -> p.or(NoBlockingOnEventLoopIT::isEventLoop))
        // resilience4j guards its sliding window with a ReentrantLock held for a few field updates;
        // recording a call's outcome from a reply callback can wait for another thread's update.
        // Allowed: it never waits for I/O or for time, and every breaker user pays it.
        .allowBlockingCallsInside(
            "io.github.resilience4j.core.metrics.FixedSizeSlidingWindowMetrics", "record")
        .allowBlockingCallsInside(
            "io.github.resilience4j.core.metrics.FixedSizeSlidingWindowMetrics", "getSnapshot")
        .allowBlockingCallsInside(
            "io.github.resilience4j.core.metrics.SlidingTimeWindowMetrics", "record")
        .allowBlockingCallsInside(
            "io.github.resilience4j.core.metrics.SlidingTimeWindowMetrics", "getSnapshot")
        // Caffeine's maintenance lock, taken when its write buffer is full (an L0 fill under load)
        // and by clear() (an L0 emptied when a subscription is confirmed again), and Lettuce's
        // endpoint lock: the same kind, short and never waiting for I/O.
        .allowBlockingCallsInside(
            "com.github.benmanes.caffeine.cache.BoundedLocalCache", "performCleanUp")
        .allowBlockingCallsInside("com.github.benmanes.caffeine.cache.BoundedLocalCache", "clear")
        .allowBlockingCallsInside(
            "com.github.benmanes.caffeine.cache.BoundedLocalCache", "afterWrite")
        .allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "lockWritersExclusive")
        .allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "incrementWriters")
        .blockingMethodCallback(
            method -> {
              StackTraceElement[] stack = new Throwable().getStackTrace();
              boolean ours = Arrays.stream(stack).anyMatch(NoBlockingOnEventLoopIT::isOurs);
              boolean logging =
                  Arrays.stream(stack).anyMatch(f -> f.getClassName().startsWith("org.slf4j."));
              if (ours && !logging) {
                findings.add(
                    method
                        + " on "
                        + Thread.currentThread().getName()
                        + " from "
                        + Arrays.stream(stack)
                            .filter(NoBlockingOnEventLoopIT::isOurs)
                            .limit(6)
                            .map(StackTraceElement::toString)
                            .collect(Collectors.joining(" < ")));
              }
            })
        .install();
  }

  /** Lettuce's I/O event loops and its computation loops; not its timer, which sleeps by design. */
  private static boolean isEventLoop(Thread t) {
    String name = t.getName();
    return name.startsWith("lettuce-nioEventLoop")
        || name.startsWith("lettuce-epollEventLoop")
        || name.startsWith("lettuce-kqueueEventLoop")
        || name.startsWith("lettuce-eventExecutorLoop");
  }

  /** A frame of the library (not of this test's own callback). */
  private static boolean isOurs(StackTraceElement frame) {
    String c = frame.getClassName();
    return c.startsWith("io.github.tieredcache.")
        && !c.startsWith(NoBlockingOnEventLoopIT.class.getName());
  }

  @Test
  void everyPathOfTheCacheLeavesTheEventLoopsUnblocked() throws Exception {
    LocalRedisCluster cluster = LocalRedisCluster.shared();
    for (Freshness freshness : List.of(Freshness.byTtl(), Freshness.byInvalidation())) {
      String name = "noblock-" + UUID.randomUUID().toString().substring(0, 8);
      try (ResilientTierStore storeA =
              ResilientTierStore.wrap(RedisTierStore.cluster(cluster.seedUri()).build());
          ResilientTierStore storeB =
              ResilientTierStore.wrap(RedisTierStore.cluster(cluster.seedUri()).build());
          TieredCache<String, String> a = cache(name, storeA, freshness);
          TieredCache<String, String> b = cache(name, storeB, freshness)) {
        List<String> keys = IntStream.range(0, 200).mapToObj(i -> "k" + i).toList();
        for (String key : keys) {
          a.get(key); // miss: load, write-back, L0 fill
        }
        a.getAll(keys); // L0 hits
        b.getAll(keys); // remote hits in bulk, L0 fills
        for (String key : keys.subList(0, 50)) {
          b.local().invalidate(key);
          b.getAsync(key).join(); // a remote hit completed on the event loop
          b.getAsync(key + "-async", (k, executor) -> CompletableFuture.completedFuture(k)).join();
          a.put(key, "new " + key); // message to b
        }
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> ("new " + keys.get(49)).equals(b.getIfPresent(keys.get(49))));
        a.invalidate(keys.get(0));
        a.invalidateAll();
        cluster.killPubSubClients(); // resubscription on the event loop
        Map<String, String> again = b.getAll(keys);
        assertThat(again).hasSize(keys.size());
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () -> {
                  a.put("after", "x");
                  return "x".equals(b.getIfPresent("after"));
                });
      }
    }
    // A store that cannot connect: failures and breaker transitions.
    try (ResilientTierStore dead =
            ResilientTierStore.wrap(
                RedisTierStore.standalone("redis://127.0.0.1:1")
                    .options(o -> o.commandTimeout(Duration.ofMillis(200)))
                    .build());
        TieredCache<String, String> c = cache("noblock-dead", dead, Freshness.byInvalidation())) {
      for (int i = 0; i < 100; i++) {
        assertThat(c.get("k" + i)).isEqualTo("v-k" + i);
        c.put("p" + i, "x");
      }
    }

    assertThat(findings).as("blocking calls of ours on an event loop").isEmpty();
  }

  private static TieredCache<String, String> cache(
      String name, ResilientTierStore store, Freshness freshness) {
    return TieredCache.<String, String>builder()
        .name(name)
        .store(store)
        .freshness(freshness)
        .valueCodec(ValueCodec.utf8())
        .loader(k -> "v-" + k)
        .build();
  }
}
