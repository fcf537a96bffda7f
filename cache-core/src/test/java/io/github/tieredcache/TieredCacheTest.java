package io.github.tieredcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.tieredcache.codec.JacksonValueCodec;
import io.github.tieredcache.memory.InMemoryTierStore;
import io.github.tieredcache.spi.Envelope;
import io.github.tieredcache.spi.Lookup;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.TierStore;
import io.github.tieredcache.spi.Write;
import io.github.tieredcache.stats.CacheStats;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The read and write paths of the cache, on the in-memory store with a fake ticker. */
class TieredCacheTest {

  /** A post, placed by its age. */
  record Post(String id, String title, Instant createdAt) {}

  private final FakeTicker ticker = new FakeTicker();
  private final InMemoryTierStore store = new InMemoryTierStore(ticker);
  private final List<TieredCache<?, ?>> caches = new ArrayList<>();
  private final ExecutorService threads = Executors.newFixedThreadPool(100);

  @AfterEach
  void tearDown() {
    caches.forEach(TieredCache::close);
    threads.shutdownNow();
  }

  private Instant now() {
    // The cache dates copies by the ticker, offset to the wall clock when it was built.
    return Instant.ofEpochMilli(System.currentTimeMillis());
  }

  private TieredCacheBuilder<String, Post> posts() {
    return TieredCache.<String, Post>builder()
        .name("posts")
        .store(store)
        .ticker(ticker)
        .ttlJitter(0)
        .valueCodec(JacksonValueCodec.of(Post.class))
        .ageOf(Post::createdAt);
  }

  private <K, V> TieredCache<K, V> track(TieredCache<K, V> cache) {
    caches.add(cache);
    return cache;
  }

  private Post postAged(String id, Duration age) {
    return new Post(id, "title " + id, now().minus(age));
  }

  private Lookup remote(String key) {
    return store
        .read(
            Namespace.of("posts", List.of("hot", "warm", "cold")),
            key.getBytes(StandardCharsets.UTF_8))
        .join();
  }

  @Test
  void hundredConcurrentCallersOfAMissingKeyCauseExactlyOneLoad() throws Exception {
    TieredCache<String, Post> cache = track(posts().build());
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    Function<String, Post> loader =
        key -> {
          loads.incrementAndGet();
          awaitLatch(release);
          return postAged(key, Duration.ofMinutes(5));
        };
    List<Future<Post>> callers = new ArrayList<>();
    CountDownLatch started = new CountDownLatch(100);
    for (int i = 0; i < 100; i++) {
      callers.add(
          threads.submit(
              () -> {
                started.countDown();
                return cache.get("p1", loader);
              }));
    }
    started.await(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> loads.get() == 1);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> cache.stats().tier("l0").orElseThrow().requests() == 100);
    release.countDown();

    for (Future<Post> caller : callers) {
      assertThat(caller.get(10, TimeUnit.SECONDS).id()).isEqualTo("p1");
    }
    assertThat(loads).hasValue(1);
    assertThat(cache.stats().loads()).isEqualTo(1);
    assertThat(cache.stats().coalesced()).as("the other 99 waited for the one load").isEqualTo(99);
  }

  @Test
  void everyWaitingCallerSeesTheLoadersExceptionAndNothingIsCached() throws Exception {
    TieredCache<String, Post> cache = track(posts().build());
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    Function<String, Post> failing =
        key -> {
          loads.incrementAndGet();
          awaitLatch(release);
          throw new IllegalStateException("database down");
        };
    List<Future<Throwable>> callers = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      callers.add(
          threads.submit(
              () -> {
                try {
                  cache.get("p1", failing);
                  return null;
                } catch (Throwable t) {
                  return t;
                }
              }));
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> cache.stats().tier("l0").orElseThrow().requests() == 100);
    release.countDown();

    for (Future<Throwable> caller : callers) {
      assertThat(caller.get(10, TimeUnit.SECONDS))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("database down");
    }
    assertThat(loads).hasValue(1);
    assertThat(cache.stats().loadFailures()).isEqualTo(1);
    assertThat(remote("p1").isHit()).isFalse();
    assertThat(cache.getIfPresent("p1")).isNull();
    assertThat(cache.get("p1", key -> postAged(key, Duration.ofMinutes(1))).id()).isEqualTo("p1");
    assertThat(loads).hasValue(1);
  }

  @Test
  void asyncGetPassesTheLoadersExceptionAsTheFuturesCause() {
    TieredCache<String, Post> cache = track(posts().executor(Runnable::run).build());
    CompletableFuture<Post> future =
        cache.getAsync(
            "p1",
            key -> {
              throw new IllegalArgumentException("no such post");
            });
    assertThatThrownBy(future::join)
        .hasCauseInstanceOf(IllegalArgumentException.class)
        .hasRootCauseMessage("no such post");
  }

  @Test
  void aValueAgedTwoHoursLandsInWarmAWarmHitPromotesItAndTheHotCopyExpiresAfterItsTtl() {
    TieredCache<String, Post> cache = track(posts().l0Disabled().build());
    Post post = postAged("p1", Duration.ofHours(2));

    assertThat(cache.get("p1", key -> post)).isEqualTo(post);
    assertThat(remote("p1").tier()).as("placed in warm").isEqualTo(1);

    assertThat(cache.get("p1", key -> null)).isEqualTo(post);
    CacheStats afterWarmHit = cache.stats();
    assertThat(afterWarmHit.tier("warm").orElseThrow().hits()).isEqualTo(1);
    assertThat(afterWarmHit.promotions()).containsEntry("warm->hot", 1L);
    assertThat(remote("p1").tier()).as("promoted to hot").isZero();

    assertThat(cache.get("p1", key -> null)).isEqualTo(post);
    assertThat(cache.stats().tier("hot").orElseThrow().hits()).isEqualTo(1);

    ticker.advance(Tiers.DEFAULT_HOT.ttl().plusSeconds(1));

    assertThat(cache.get("p1", key -> null)).isEqualTo(post);
    CacheStats afterExpiry = cache.stats();
    assertThat(afterExpiry.tier("hot").orElseThrow().hits()).isEqualTo(1);
    assertThat(afterExpiry.tier("warm").orElseThrow().hits())
        .as("the next read is a warm hit")
        .isEqualTo(2);
    assertThat(afterExpiry.loads()).isEqualTo(1);
  }

  @Test
  void placementByAgePutsYoungValuesInHotAndOldOnesInCold() {
    TieredCache<String, Post> cache = track(posts().build());
    cache.put("young", postAged("young", Duration.ofMinutes(5)));
    cache.put("old", postAged("old", Duration.ofDays(3)));

    assertThat(remote("young").tier()).isZero();
    assertThat(remote("old").tier()).isEqualTo(2);
  }

  @Test
  void withAStaleWindowAReadJustPastTheTtlReturnsTheStaleCopyAtOnceAndExactlyOneRefreshRuns() {
    ConcurrentLinkedQueue<Runnable> background = new ConcurrentLinkedQueue<>();
    Tier hot = Tier.named("hot").ttl(Duration.ofSeconds(60)).staleWindow(Duration.ofSeconds(30));
    TieredCache<String, Post> cache =
        track(
            posts()
                .tiers(Tiers.of(hot))
                .placement(Placement.fixed("hot"))
                .l0Disabled()
                .executor(background::add)
                .build());
    Post v1 = postAged("p1", Duration.ofMinutes(1));
    Post v2 = new Post("p1", "edited", v1.createdAt());
    AtomicInteger loads = new AtomicInteger();
    Function<String, Post> loader = key -> loads.incrementAndGet() == 1 ? v1 : v2;

    assertThat(cache.get("p1", loader)).isEqualTo(v1);
    ticker.advance(Duration.ofSeconds(61));

    for (int i = 0; i < 5; i++) {
      assertThat(cache.get("p1", loader)).as("stale copy, returned at once").isEqualTo(v1);
    }
    assertThat(background).as("exactly one refresh was scheduled").hasSize(1);
    assertThat(loads).as("no caller waited for a load").hasValue(1);

    background.poll().run();

    assertThat(loads).hasValue(2);
    assertThat(cache.get("p1", loader)).isEqualTo(v2);
    assertThat(background).isEmpty();
  }

  @Test
  void aFailedRefreshKeepsTheStaleCopyUntilItsWindowEnds() {
    ConcurrentLinkedQueue<Runnable> background = new ConcurrentLinkedQueue<>();
    Tier hot = Tier.named("hot").ttl(Duration.ofSeconds(60)).staleWindow(Duration.ofSeconds(30));
    TieredCache<String, Post> cache =
        track(
            posts()
                .tiers(Tiers.of(hot))
                .placement(Placement.fixed("hot"))
                .l0Disabled()
                .executor(background::add)
                .build());
    Post v1 = postAged("p1", Duration.ofMinutes(1));
    AtomicInteger loads = new AtomicInteger();
    Function<String, Post> loader =
        key -> {
          if (loads.incrementAndGet() == 1) {
            return v1;
          }
          throw new IllegalStateException("database down");
        };
    cache.get("p1", loader);
    ticker.advance(Duration.ofSeconds(61));

    assertThat(cache.get("p1", loader)).isEqualTo(v1);
    background.poll().run(); // the refresh fails
    assertThat(cache.get("p1", loader)).as("still within the window").isEqualTo(v1);

    ticker.advance(Duration.ofSeconds(30));
    assertThatThrownBy(() -> cache.get("p1", loader)).hasMessage("database down");
  }

  @Test
  void anL0EntryNeverOutlivesItsRemoteCopy() {
    Tier hot = Tier.named("hot").ttl(Duration.ofSeconds(10));
    TieredCache<String, Post> cache =
        track(
            posts()
                .tiers(Tiers.of(hot))
                .placement(Placement.fixed("hot"))
                .l0ExpireAfterWrite(Duration.ofMinutes(5))
                .build());
    Post post = postAged("p1", Duration.ofMinutes(1));
    cache.put("p1", post);
    assertThat(cache.getIfPresent("p1")).isEqualTo(post);
    assertThat(cache.stats().tier("l0").orElseThrow().hits()).isEqualTo(1);

    ticker.advance(Duration.ofSeconds(10));

    assertThat(remote("p1").isHit()).as("the remote copy expired").isFalse();
    assertThat(cache.getIfPresent("p1")).as("and so did the L0 copy").isNull();
    assertThat(cache.stats().tier("l0").orElseThrow().hits()).isEqualTo(1);
  }

  @Test
  void anL0EntryExpiresAtTheL0BoundEvenWhenItsRemoteCopyLivesOn() {
    TieredCache<String, Post> cache =
        track(posts().l0ExpireAfterWrite(Duration.ofSeconds(30)).build());
    Post post = postAged("p1", Duration.ofDays(2)); // cold: fresh for 24 h
    cache.put("p1", post);
    ticker.advance(Duration.ofSeconds(31));

    assertThat(cache.getIfPresent("p1")).isEqualTo(post);
    CacheStats stats = cache.stats();
    assertThat(stats.tier("l0").orElseThrow().hits()).isZero();
    assertThat(stats.tier("cold").orElseThrow().hits()).isEqualTo(1);
  }

  @Test
  void undecodableBytesAreAMissTheKeyIsRemovedAndTheCounterRises() {
    TieredCache<String, Post> cache = track(posts().l0Disabled().build());
    Namespace ns = Namespace.of("posts", List.of("hot", "warm", "cold"));
    byte[] key = "p1".getBytes(StandardCharsets.UTF_8);
    store.overwriteRaw(
        ns, key, 1, "not ours at all".getBytes(StandardCharsets.UTF_8), Duration.ofHours(1));
    Post post = postAged("p1", Duration.ofHours(2));

    assertThat(cache.get("p1", k -> post)).isEqualTo(post);

    CacheStats stats = cache.stats();
    assertThat(stats.decodeErrors()).isEqualTo(1);
    assertThat(stats.loads()).isEqualTo(1);
    Lookup after = remote("p1");
    assertThat(after.tier()).isEqualTo(1);
    assertThat(Envelope.parse(after.copy()).codecId())
        .as("the loaded value replaced the bad bytes")
        .isEqualTo("json");
  }

  @Test
  void aCopyOfAnotherShapeIsADecodeErrorNotACrash() {
    TieredCache<String, Post> cache = track(posts().l0Disabled().build());
    Namespace ns = Namespace.of("posts", List.of("hot", "warm", "cold"));
    long far = System.currentTimeMillis() + 3_600_000;
    byte[] wrongShape =
        Envelope.wrap("json", false, far, far, "[1,2,3]".getBytes(StandardCharsets.UTF_8));
    store.overwriteRaw(
        ns, "p1".getBytes(StandardCharsets.UTF_8), 0, wrongShape, Duration.ofHours(1));

    assertThat(cache.getIfPresent("p1")).isNull();
    assertThat(cache.stats().decodeErrors()).isEqualTo(1);
    assertThat(remote("p1").isHit()).isFalse();
  }

  @Test
  void aCopyTheStoreStillHoldsPastItsServableUntilIsAMissAndIsCountedAsOne() {
    TieredCache<String, Post> cache = track(posts().l0Disabled().build());
    Namespace ns = Namespace.of("posts", List.of("hot", "warm", "cold"));
    long past = System.currentTimeMillis() - 1_000;
    byte[] outlived =
        Envelope.wrap(
            "json", false, past, past, "{\"id\":\"p1\"}".getBytes(StandardCharsets.UTF_8));
    store.overwriteRaw(ns, "p1".getBytes(StandardCharsets.UTF_8), 0, outlived, Duration.ofHours(1));
    Post post = postAged("p1", Duration.ofMinutes(5));

    assertThat(cache.get("p1", key -> post)).isEqualTo(post);

    CacheStats stats = cache.stats();
    assertThat(stats.tier("hot").orElseThrow().hits()).isZero();
    assertThat(stats.tier("hot").orElseThrow().misses()).isEqualTo(1);
    assertThat(stats.decodeErrors()).isZero();
    assertThat(stats.loads()).isEqualTo(1);
    assertThat(Envelope.parse(remote("p1").copy()).freshUntil())
        .as("the load overwrote it")
        .isGreaterThan(past);
  }

  @Test
  void aNullResultIsCachedAsAbsentForTheAbsentTtl() {
    TieredCache<String, Post> cache = track(posts().absentTtl(Duration.ofSeconds(10)).build());
    AtomicInteger loads = new AtomicInteger();
    Function<String, Post> missing =
        key -> {
          loads.incrementAndGet();
          return null;
        };

    assertThat(cache.get("ghost", missing)).isNull();
    assertThat(cache.get("ghost", missing)).isNull();
    assertThat(loads).hasValue(1);

    ticker.advance(Duration.ofSeconds(11));
    assertThat(cache.get("ghost", missing)).isNull();
    assertThat(loads).hasValue(2);
  }

  @Test
  void aNullResultIsNotCachedWithoutAnAbsentTtl() {
    TieredCache<String, Post> cache = track(posts().build());
    AtomicInteger loads = new AtomicInteger();
    cache.get(
        "ghost",
        key -> {
          loads.incrementAndGet();
          return null;
        });
    cache.get(
        "ghost",
        key -> {
          loads.incrementAndGet();
          return null;
        });
    assertThat(loads).hasValue(2);
    assertThat(remote("ghost").isHit()).isFalse();
  }

  @Test
  void aLoadThatStartedBeforeAnInvalidateNeverWritesItsValueAfterIt() throws Exception {
    TieredCache<String, Post> cache = track(posts().build());
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Post old = postAged("p1", Duration.ofMinutes(5));
    Future<Post> slowRead =
        threads.submit(
            () ->
                cache.get(
                    "p1",
                    key -> {
                      loading.countDown();
                      awaitLatch(release);
                      return old;
                    }));
    loading.await(5, TimeUnit.SECONDS);

    cache.invalidate("p1");
    release.countDown();
    assertThat(slowRead.get(5, TimeUnit.SECONDS)).isEqualTo(old);

    assertThat(remote("p1").isHit()).as("the load's remote write was refused").isFalse();
    assertThat(cache.getIfPresent("p1")).as("nor did it land in the L0").isNull();
    Post fresh = postAged("p1", Duration.ofMinutes(6));
    assertThat(cache.get("p1", key -> fresh)).isEqualTo(fresh);
  }

  @Test
  void aCallerArrivingAfterInvalidateDoesNotJoinALoadThatStartedBeforeIt() throws Exception {
    TieredCache<String, Post> cache = track(posts().build());
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Post old = postAged("p1", Duration.ofMinutes(5));
    Post fresh = new Post("p1", "fresh", old.createdAt());
    Future<Post> slowRead =
        threads.submit(
            () ->
                cache.get(
                    "p1",
                    key -> {
                      loading.countDown();
                      awaitLatch(release);
                      return old;
                    }));
    loading.await(5, TimeUnit.SECONDS);

    cache.invalidate("p1");

    assertThat(cache.get("p1", key -> fresh)).isEqualTo(fresh);
    release.countDown();
    slowRead.get(5, TimeUnit.SECONDS);
    assertThat(cache.get("p1", key -> old)).isEqualTo(fresh);
  }

  @Test
  void putAndInvalidateOnOneInstanceDropTheKeyFromAnotherInstancesL0() {
    TieredCache<String, Post> a = track(posts().build());
    TieredCache<String, Post> b = track(posts().build());
    Post v1 = postAged("p1", Duration.ofMinutes(5));
    Post v2 = new Post("p1", "edited", v1.createdAt());
    b.put("p1", v1);
    assertThat(b.getIfPresent("p1")).isEqualTo(v1);
    assertThat(b.l0Size()).isEqualTo(1);

    a.put("p1", v2);
    assertThat(b.l0Size()).isZero();
    assertThat(b.getIfPresent("p1")).isEqualTo(v2);

    a.invalidate("p1");
    assertThat(b.l0Size()).isZero();
    assertThat(b.getIfPresent("p1")).isNull();
  }

  @Test
  void invalidateAllClearsEveryTierAndTheL0OfEveryInstance() {
    TieredCache<String, Post> a = track(posts().build());
    TieredCache<String, Post> b = track(posts().build());
    for (int i = 0; i < 10; i++) {
      b.put("p" + i, postAged("p" + i, Duration.ofMinutes(i)));
    }
    assertThat(b.l0Size()).isEqualTo(10);

    a.invalidateAll();

    assertThat(b.l0Size()).isZero();
    for (int i = 0; i < 10; i++) {
      assertThat(b.getIfPresent("p" + i)).isNull();
    }
  }

  @Test
  void anInstanceIgnoresItsOwnInvalidationMessages() {
    TieredCache<String, Post> cache = track(posts().build());
    Post post = postAged("p1", Duration.ofMinutes(5));
    cache.put("p1", post);
    assertThat(cache.l0Size())
        .as("its own put message did not drop the entry it just filled")
        .isEqualTo(1);
  }

  @Test
  void writesGetTheConfiguredTtlJitter() {
    TieredCache<String, Post> cache = track(posts().ttlJitter(0.2).build());
    long earliest = Long.MAX_VALUE;
    long latest = Long.MIN_VALUE;
    long before = System.currentTimeMillis();
    for (int i = 0; i < 200; i++) {
      cache.put("p" + i, postAged("p" + i, Duration.ofDays(2))); // cold: 24 h
      long freshUntil = Envelope.parse(remote("p" + i).copy()).freshUntil();
      earliest = Math.min(earliest, freshUntil);
      latest = Math.max(latest, freshUntil);
    }
    long after = System.currentTimeMillis();
    long day = Duration.ofHours(24).toMillis();
    assertThat(latest).isLessThanOrEqualTo(after + day);
    assertThat(earliest).isGreaterThanOrEqualTo(before + (long) (day * 0.8) - 1000);
    assertThat(latest - earliest).as("the TTLs are spread").isGreaterThan(day / 20);
  }

  @Test
  void getAllReadsFromEveryLevelAndLoadsTheRestWithOneBulkCall() {
    List<Set<? extends String>> bulkCalls = new ArrayList<>();
    TieredCache<String, Post> cache =
        track(
            posts()
                .executor(Runnable::run)
                .bulkLoader(
                    keys -> {
                      bulkCalls.add(Set.copyOf(keys));
                      Map<String, Post> found = new java.util.HashMap<>();
                      for (String key : keys) {
                        if (!key.startsWith("ghost")) {
                          found.put(key, postAged(key, Duration.ofMinutes(1)));
                        }
                      }
                      return found;
                    })
                .build());
    cache.put("inL0", postAged("inL0", Duration.ofMinutes(1)));
    TieredCache<String, Post> other = track(posts().build());
    other.put("remoteOnly", postAged("remoteOnly", Duration.ofHours(3)));

    Map<String, Post> all = cache.getAll(List.of("inL0", "remoteOnly", "new1", "new2", "ghost1"));

    assertThat(all).containsOnlyKeys("inL0", "remoteOnly", "new1", "new2");
    assertThat(bulkCalls).containsExactly(Set.of("new1", "new2", "ghost1"));
    assertThat(remote("new1").isHit()).isTrue();
    assertThat(cache.getAll(List.of("new1", "new2"))).containsOnlyKeys("new1", "new2");
    assertThat(bulkCalls).hasSize(1);
  }

  @Test
  void aFailingStoreNeverFailsARead() {
    TierStore broken = new FailingStore();
    TieredCache<String, Post> cache =
        track(
            TieredCache.<String, Post>builder()
                .name("posts")
                .store(broken)
                .valueCodec(JacksonValueCodec.of(Post.class))
                .remoteTimeout(Duration.ofMillis(100))
                .build());
    Post post = postAged("p1", Duration.ofMinutes(1));

    assertThat(cache.get("p1", key -> post)).isEqualTo(post);
    assertThat(cache.get("p1", key -> null)).as("served by the L0").isEqualTo(post);
    cache.put("p2", post);
    cache.invalidate("p2");
    cache.invalidateAll();
    assertThat(cache.getAll(List.of("p3"))).isEmpty();
    assertThat(cache.stats().remoteErrors()).isGreaterThanOrEqualTo(4);
  }

  @Test
  void aStoreThatNeverAnswersCostsAtMostTheRemoteTimeout() {
    TierStore silent = new FailingStore(true);
    TieredCache<String, Post> cache =
        track(
            TieredCache.<String, Post>builder()
                .name("posts")
                .store(silent)
                .valueCodec(JacksonValueCodec.of(Post.class))
                .remoteTimeout(Duration.ofMillis(50))
                .build());
    Post post = postAged("p1", Duration.ofMinutes(1));

    assertThat(cache.get("p1", key -> post)).isEqualTo(post);
    assertThat(cache.stats().remoteErrors()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void statsAndMetersCountEachTier() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TieredCache<String, Post> cache = track(posts().meterRegistry(registry).build());
    cache.get(
        "p1", key -> postAged(key, Duration.ofHours(2))); // miss everywhere, load, place in warm
    cache.get("p1", key -> null); // l0 hit

    CacheStats stats = cache.stats();
    assertThat(stats.requests()).isEqualTo(2);
    assertThat(stats.tier("l0").orElseThrow().hitRatio()).isEqualTo(0.5);
    assertThat(stats.tier("hot").orElseThrow().misses()).isEqualTo(1);
    assertThat(stats.tier("cold").orElseThrow().misses()).isEqualTo(1);
    assertThat(stats.loadSuccesses()).isEqualTo(1);
    assertThat(stats.puts()).isEqualTo(1);

    assertThat(
            registry
                .get("cache.gets")
                .tags("cache", "posts", "tier", "l0", "result", "hit")
                .functionCounter()
                .count())
        .isEqualTo(1.0);
    assertThat(
            registry
                .get("cache.gets")
                .tags("tier", "warm", "result", "miss")
                .functionCounter()
                .count())
        .isEqualTo(1.0);
    assertThat(registry.get("cache.loads").tags("result", "success").functionTimer().count())
        .isEqualTo(1.0);
    assertThat(registry.get("cache.size").tags("tier", "l0").gauge().value()).isEqualTo(1.0);
  }

  @Test
  void aCacheWithoutALoaderSaysSoByName() {
    TieredCache<String, Post> cache = track(posts().build());
    assertThatThrownBy(() -> cache.get("p1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("loader");
  }

  @Test
  void nullKeysAndValuesAreRefusedByName() {
    TieredCache<String, Post> cache = track(posts().build());
    assertThatThrownBy(() -> cache.get(null, k -> null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key");
    assertThatThrownBy(() -> cache.put("k", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("value");
    assertThatThrownBy(() -> cache.getIfPresent(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key");
  }

  @Test
  void tiersOnAnotherStoreAreReadToo() {
    InMemoryTierStore coldStore = new InMemoryTierStore(ticker);
    Tiers tiers =
        Tiers.of(Tiers.DEFAULT_HOT, Tiers.DEFAULT_WARM, Tiers.DEFAULT_COLD.store(coldStore));
    TieredCache<String, Post> writer = track(posts().tiers(tiers).build());
    TieredCache<String, Post> reader = track(posts().tiers(tiers).l0Disabled().build());
    Post old = postAged("p1", Duration.ofDays(3));
    writer.put("p1", old);

    assertThat(store.size(Namespace.of("posts", List.of("hot", "warm")))).isZero();
    assertThat(reader.getIfPresent("p1")).isEqualTo(old);
    assertThat(reader.stats().tier("cold").orElseThrow().hits()).isEqualTo(1);
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("latch not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A store whose every call fails, or never completes. */
  private static final class FailingStore implements TierStore {
    private final boolean silent;

    FailingStore() {
      this(false);
    }

    FailingStore(boolean silent) {
      this.silent = silent;
    }

    private <T> CompletableFuture<T> fail() {
      return silent
          ? new CompletableFuture<>()
          : CompletableFuture.failedFuture(new IllegalStateException("redis down"));
    }

    @Override
    public CompletableFuture<Lookup> read(Namespace n, byte[] k) {
      return fail();
    }

    @Override
    public CompletableFuture<List<Lookup>> readAll(Namespace n, List<byte[]> k) {
      return fail();
    }

    @Override
    public CompletableFuture<Boolean> writeIfGeneration(Namespace n, Write w) {
      return fail();
    }

    @Override
    public CompletableFuture<List<Boolean>> writeAllIfGeneration(Namespace n, List<Write> w) {
      return fail();
    }

    @Override
    public CompletableFuture<Boolean> promote(Namespace n, Write w) {
      return fail();
    }

    @Override
    public CompletableFuture<Void> put(Namespace n, Write w) {
      return fail();
    }

    @Override
    public CompletableFuture<Void> remove(Namespace n, byte[] k) {
      return fail();
    }

    @Override
    public CompletableFuture<Void> removeAll(Namespace n, List<byte[]> k) {
      return fail();
    }

    @Override
    public CompletableFuture<Void> clear(Namespace n) {
      return fail();
    }

    @Override
    public CompletableFuture<Void> publish(Namespace n, io.github.tieredcache.spi.Invalidation m) {
      return fail();
    }

    @Override
    public AutoCloseable subscribe(Namespace n, io.github.tieredcache.spi.InvalidationListener l) {
      return () -> {};
    }

    @Override
    public void close() {}
  }
}
