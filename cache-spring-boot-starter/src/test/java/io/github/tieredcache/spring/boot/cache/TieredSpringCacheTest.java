package io.github.tieredcache.spring.boot.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tieredcache.TieredCache;
import io.github.tieredcache.Tiers;
import io.github.tieredcache.codec.JacksonValueCodec;
import io.github.tieredcache.memory.InMemoryTierStore;
import io.github.tieredcache.spi.Namespace;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.cache.Cache;
import org.springframework.cache.interceptor.SimpleKey;
import org.springframework.cache.support.NullValue;

/** The Spring adapter over a real tiered cache on the in-memory store. */
class TieredSpringCacheTest {

  private final InMemoryTierStore store = new InMemoryTierStore();
  private final TieredCache<Object, Object> tiered =
      TieredCache.builder()
          .name("posts")
          .store(store)
          .valueCodec(NullValueCodec.wrap(JacksonValueCodec.of(String.class), String.class))
          .build();
  private final TieredSpringCache cache =
      new TieredSpringCache(
          tiered, /* allowNullValues= */ true, DefaultCacheKeyEncoder.INSTANCE, "v1:", "default");
  private final TieredSpringCache noNulls =
      new TieredSpringCache(
          tiered, /* allowNullValues= */ false, DefaultCacheKeyEncoder.INSTANCE, "", "default");

  @AfterEach
  void close() {
    tiered.close();
    store.close();
  }

  /** Returns how many keys the remote tiers hold. */
  private long remoteKeys() {
    return store.size(Namespace.of("posts", Tiers.hotWarmCold().names()));
  }

  @Test
  void reportsNameAndNativeCache() {
    assertThat(cache.getName()).isEqualTo("posts");
    assertThat(cache.getNativeCache()).isSameAs(tiered);
    assertThat(cache.getStoreName()).isEqualTo("default");
  }

  @Test
  void encodesKeysWithThePrefixBeforeTheTieredCacheSeesThem() {
    cache.put(42L, "answer");
    cache.put(new SimpleKey("a", 1), "pair");

    assertThat(tiered.getIfPresent("v1:42")).isEqualTo("answer");
    assertThat(tiered.getIfPresent("v1:[a,1]")).isEqualTo("pair");
    assertThat(cache.get(42L, String.class)).isEqualTo("answer");
    assertThat(cache.get("42").get()).isEqualTo("answer");
  }

  @Test
  void missIsNullWrapper() {
    assertThat(cache.get("absent")).isNull();
  }

  @Test
  void nullIsStoredAsNullValueWhenAllowed() {
    cache.put("k", null);

    assertThat(tiered.getIfPresent("v1:k")).isEqualTo(NullValue.INSTANCE);
    Cache.ValueWrapper wrapper = cache.get("k");
    assertThat(wrapper).isNotNull();
    assertThat(wrapper.get()).isNull();
  }

  @Test
  void nullPutIsRefusedWhenNullsAreNotAllowed() {
    assertThatIllegalArgumentException().isThrownBy(() -> noNulls.put("k", null));
  }

  @Test
  void valueLoaderRunsOnceOnTheCallerThreadAndItsValueIsCached() {
    AtomicInteger calls = new AtomicInteger();
    Thread caller = Thread.currentThread();
    String first =
        cache.get(
            "k",
            () -> {
              calls.incrementAndGet();
              assertThat(Thread.currentThread()).isSameAs(caller);
              return "loaded";
            });
    String second = cache.get("k", () -> "other");

    assertThat(first).isEqualTo("loaded");
    assertThat(second).isEqualTo("loaded");
    assertThat(calls).hasValue(1);
  }

  @Test
  void valueLoaderExceptionIsWrappedAsValueRetrievalException() {
    IllegalStateException failure = new IllegalStateException("database down");

    assertThatThrownBy(
            () ->
                cache.get(
                    "k",
                    () -> {
                      throw failure;
                    }))
        .isInstanceOf(Cache.ValueRetrievalException.class)
        .hasCause(failure);
    assertThat(remoteKeys()).isZero();
    assertThat(tiered.local().estimatedSize()).isZero();
  }

  @Test
  void valueLoaderNullIsCachedAsNullValueWhenAllowed() {
    AtomicInteger calls = new AtomicInteger();

    assertThat(
            cache.<String>get(
                "k",
                () -> {
                  calls.incrementAndGet();
                  return null;
                }))
        .isNull();
    assertThat(
            cache.<String>get(
                "k",
                () -> {
                  calls.incrementAndGet();
                  return "late";
                }))
        .isNull();
    assertThat(calls).hasValue(1);
  }

  @Test
  void valueLoaderNullIsHandedToTheTieredCacheAsAbsentWhenNullsAreNotAllowed() {
    assertThat(noNulls.<String>get("k", () -> null)).isNull();
    // Without an absent TTL the cache does not remember it.
    assertThat(remoteKeys()).isZero();
    assertThat(tiered.local().estimatedSize()).isZero();
  }

  @Test
  void putIfAbsentStoresOnlyWhenAbsent() {
    assertThat(cache.putIfAbsent("k", "first")).isNull();
    Cache.ValueWrapper existing = cache.putIfAbsent("k", "second");

    assertThat(existing).isNotNull();
    assertThat(existing.get()).isEqualTo("first");
    assertThat(cache.get("k", String.class)).isEqualTo("first");
  }

  @Test
  void putIfAbsentAfterARememberedAbsenceStoresAndSaysSo() {
    try (TieredCache<Object, Object> remembering =
        TieredCache.builder()
            .name("absences")
            .store(store)
            .absentTtl(Duration.ofMinutes(1))
            .valueCodec(NullValueCodec.wrap(JacksonValueCodec.of(String.class), String.class))
            .build()) {
      TieredSpringCache spring =
          new TieredSpringCache(
              remembering, /* allowNullValues= */ false, DefaultCacheKeyEncoder.INSTANCE, "", "x");
      AtomicInteger calls = new AtomicInteger();
      assertThat(spring.get("k", () -> calls.incrementAndGet() > 0 ? null : "never")).isNull();
      assertThat(spring.get("k", () -> "loaded again")).as("the absence is remembered").isNull();
      assertThat(calls).hasValue(1);

      assertThat(spring.putIfAbsent("k", "first")).as("null: stored").isNull();
      assertThat(spring.get("k", String.class)).isEqualTo("first");
      Cache.ValueWrapper existing = spring.putIfAbsent("k", "second");
      assertThat(existing).isNotNull();
      assertThat(existing.get()).isEqualTo("first");
    }
  }

  @Test
  void evictIfPresentReportsPriorPresence() {
    cache.put("k", "v");

    assertThat(cache.evictIfPresent("k")).isTrue();
    assertThat(cache.evictIfPresent("k")).isFalse();
    assertThat(cache.get("k")).isNull();
  }

  @Test
  void evictRemovesTheKey() {
    cache.put("k", "v");
    cache.evict("k");
    assertThat(remoteKeys()).isZero();
    assertThat(cache.get("k")).isNull();
  }

  @Test
  void clearAndInvalidateRemoveEveryKey() {
    cache.put("a", "1");
    cache.clear();
    assertThat(cache.get("a")).isNull();
    assertThat(tiered.local().estimatedSize()).isZero();

    cache.put("b", "2");
    assertThat(cache.invalidate()).as("this instance's L0 held an entry").isTrue();
    assertThat(cache.get("b")).isNull();
    assertThat(cache.invalidate()).isFalse();
  }

  @Test
  void retrieveWrapsValuesWhenNullsAreAllowed() {
    cache.put("k", "v");
    cache.put("n", null);

    assertThat(cache.retrieve("k").join())
        .isInstanceOfSatisfying(Cache.ValueWrapper.class, w -> assertThat(w.get()).isEqualTo("v"));
    assertThat(cache.retrieve("n").join())
        .isInstanceOfSatisfying(Cache.ValueWrapper.class, w -> assertThat(w.get()).isNull());
    assertThat(cache.retrieve("missing").join()).isNull();
    noNulls.put("plain", "p");
    assertThat(noNulls.retrieve("plain").join()).isEqualTo("p");
  }

  @Test
  void retrieveWithLoaderLoadsOnceForConcurrentCallersAndPutsNothing() {
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<String> slow = new CompletableFuture<>();
    CompletableFuture<String> a =
        cache.retrieve(
            "shared",
            () -> {
              calls.incrementAndGet();
              return slow;
            });
    CompletableFuture<String> b =
        cache.retrieve(
            "shared",
            () -> {
              calls.incrementAndGet();
              return CompletableFuture.completedFuture("other");
            });
    slow.complete("v");

    assertThat(a.join()).isEqualTo("v");
    assertThat(b.join()).as("joined the first caller's load").isEqualTo("v");
    assertThat(calls).hasValue(1);
    assertThat(tiered.stats().puts())
        .as("the load's write-back, not a put that would advance the generation")
        .isEqualTo(1);
  }

  @Test
  void retrieveWithLoaderLoadsAndCachesOnAMiss() {
    AtomicInteger calls = new AtomicInteger();

    String first =
        cache
            .retrieve(
                "k",
                () -> {
                  calls.incrementAndGet();
                  return CompletableFuture.completedFuture("v");
                })
            .join();
    String second =
        cache
            .retrieve(
                "k",
                () -> {
                  calls.incrementAndGet();
                  return CompletableFuture.completedFuture("w");
                })
            .join();

    assertThat(first).isEqualTo("v");
    assertThat(second).isEqualTo("v");
    assertThat(calls).hasValue(1);
  }

  @Test
  void placeByAgeSendsOtherTypesToTheHottestTier() {
    record Post(Instant createdAt) {}
    var placement = TieredSpringCache.placeByAge(Post.class, Post::createdAt);
    Instant now = Instant.parse("2025-01-01T00:00:00Z");
    Tiers tiers = Tiers.hotWarmCold();

    assertThat(placement.place("k", new Post(now.minus(Duration.ofMinutes(5))), tiers, now))
        .isZero();
    assertThat(placement.place("k", new Post(now.minus(Duration.ofHours(5))), tiers, now))
        .isEqualTo(1);
    assertThat(placement.place("k", new Post(now.minus(Duration.ofDays(5))), tiers, now))
        .isEqualTo(2);
    assertThat(placement.place("k", NullValue.INSTANCE, tiers, now)).isZero();
  }
}
