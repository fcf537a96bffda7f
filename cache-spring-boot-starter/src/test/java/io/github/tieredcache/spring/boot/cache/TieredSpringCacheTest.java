package io.github.tieredcache.spring.boot.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tieredcache.Tiers;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.cache.Cache;
import org.springframework.cache.interceptor.SimpleKey;
import org.springframework.cache.support.NullValue;

class TieredSpringCacheTest {

  private final MapTieredCache tiered = new MapTieredCache("posts");
  private final TieredSpringCache cache =
      new TieredSpringCache(
          tiered, /* allowNullValues= */ true, DefaultCacheKeyEncoder.INSTANCE, "v1:", "default");
  private final TieredSpringCache noNulls =
      new TieredSpringCache(
          tiered, /* allowNullValues= */ false, DefaultCacheKeyEncoder.INSTANCE, "", "default");

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

    assertThat(tiered.map).containsEntry("v1:42", "answer").containsEntry("v1:[a,1]", "pair");
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

    assertThat(tiered.map).containsEntry("v1:k", NullValue.INSTANCE);
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
    assertThat(tiered.map).isEmpty();
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
    // The map test double, like the real cache without an absent TTL, does not remember it.
    assertThat(tiered.map).isEmpty();
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
    assertThat(tiered.map).isEmpty();
  }

  @Test
  void clearAndInvalidateRemoveEveryKey() {
    cache.put("a", "1");
    cache.clear();
    assertThat(tiered.map).isEmpty();

    cache.put("b", "2");
    assertThat(cache.invalidate()).isTrue();
    assertThat(cache.invalidate()).isFalse();
    assertThat(tiered.invalidateAllCalls).hasValue(3);
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
  void retrieveWithLoaderLoadsAndPutsOnAMiss() {
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
