package io.github.tieredcache.spring.boot.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

import io.github.tieredcache.TieredCache;
import io.github.tieredcache.TieredCacheBuilder;
import io.github.tieredcache.memory.InMemoryTierStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.cache.Cache;
import org.springframework.cache.interceptor.SimpleKey;

/**
 * What Spring Framework's own cache tests ({@code AbstractCacheTests}, {@code
 * AbstractValueAdaptingCacheTests}) check of every {@link Cache}, written for ours (Spring does not
 * publish its test fixtures), with the L0 on and off.
 */
class SpringCacheContractTest {

  private final InMemoryTierStore store = new InMemoryTierStore();
  private final List<TieredCache<Object, Object>> built = new ArrayList<>();

  @AfterEach
  void close() {
    built.forEach(TieredCache::close);
    store.close();
  }

  static Stream<Arguments> l0() {
    return Stream.of(Arguments.of("L0 on", true), Arguments.of("L0 off", false));
  }

  private TieredSpringCache cache(boolean l0, boolean allowNulls) {
    TieredCacheBuilder<Object, Object> builder =
        TieredCache.builder()
            .name("contract-" + UUID.randomUUID())
            .store(store)
            .valueCodec(
                NullValueCodec.wrap(
                    new ClassTaggedJsonCodec(List.of("java.lang"), getClass().getClassLoader())));
    if (!l0) {
      builder.l0Disabled();
    }
    TieredCache<Object, Object> tiered = builder.build();
    built.add(tiered);
    return new TieredSpringCache(tiered, allowNulls);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("l0")
  void putThenGetWithAndWithoutAType(String name, boolean l0) {
    TieredSpringCache cache = cache(l0, true);
    Object key = new SimpleKey("a", 1);
    assertThat(cache.get(key)).isNull();
    assertThat(cache.get(key, String.class)).isNull();

    cache.put(key, "value");
    assertThat(cache.get(key).get()).isEqualTo("value");
    assertThat(cache.get(key, String.class)).isEqualTo("value");
    assertThat(cache.get(key, Object.class)).isEqualTo("value");
    assertThatIllegalStateException().isThrownBy(() -> cache.get(key, Integer.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("l0")
  void evictAndClear(String name, boolean l0) {
    TieredSpringCache cache = cache(l0, true);
    cache.evict("never-there"); // no error
    cache.put("a", "1");
    cache.put("b", "2");
    cache.evict("a");
    assertThat(cache.get("a")).isNull();
    assertThat(cache.get("b").get()).isEqualTo("2");
    cache.clear();
    assertThat(cache.get("b")).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("l0")
  void getWithALoaderDoesNotCallItOnAHit(String name, boolean l0) {
    TieredSpringCache cache = cache(l0, true);
    cache.put("k", "cached");
    Callable<Object> mustNotRun =
        () -> {
          throw new IllegalStateException("must not be called");
        };
    Object value = cache.get("k", mustNotRun);
    assertThat(value).isEqualTo("cached");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("l0")
  void getWithALoaderThatFailsThrowsValueRetrievalExceptionAndCachesNothing(
      String name, boolean l0) {
    TieredSpringCache cache = cache(l0, true);
    assertThatExceptionOfType(Cache.ValueRetrievalException.class)
        .isThrownBy(
            () ->
                cache.get(
                    "k",
                    () -> {
                      throw new UnsupportedOperationException("expected");
                    }))
        .withCauseInstanceOf(UnsupportedOperationException.class)
        .satisfies(e -> assertThat(e.getKey()).isEqualTo("k"));
    assertThat(cache.get("k")).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("l0")
  void concurrentGetsWithALoaderCallItOnceAndAllSeeItsValue(String name, boolean l0)
      throws Exception {
    TieredSpringCache cache = cache(l0, true);
    int threads = 10;
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Object>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return cache.get(
                      "k",
                      () -> {
                        calls.incrementAndGet();
                        // Hold the load until every other caller has joined it.
                        await()
                            .atMost(Duration.ofSeconds(10))
                            .until(() -> cache.getNativeCache().stats().coalesced() >= threads - 1);
                        return "loaded";
                      });
                }));
      }
      start.countDown();
      for (Future<Object> result : results) {
        assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("loaded");
      }
      assertThat(calls).as("one load in this instance").hasValue(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("l0")
  void nullValuesFollowAllowNullValues(String name, boolean l0) {
    TieredSpringCache allowing = cache(l0, true);
    allowing.put("k", null);
    assertThat(allowing.get("k")).as("a cached null").isNotNull();
    assertThat(allowing.get("k").get()).isNull();

    TieredSpringCache refusing = cache(l0, false);
    assertThatExceptionOfType(IllegalArgumentException.class)
        .isThrownBy(() -> refusing.put("k", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("l0")
  void retrieveAnswersAMissWithNullAndPassesALoadersFailure(String name, boolean l0) {
    TieredSpringCache cache = cache(l0, true);
    assertThat(cache.retrieve("missing").join()).isNull();

    CompletableFuture<Object> failing =
        cache.retrieve("k", () -> CompletableFuture.failedFuture(new IllegalStateException("no")));
    assertThatExceptionOfType(CompletionException.class)
        .isThrownBy(failing::join)
        .withRootCauseInstanceOf(IllegalStateException.class);
    assertThat(cache.retrieve("k", () -> CompletableFuture.completedFuture("v")).join())
        .isEqualTo("v");
    assertThat(cache.get("k", String.class)).isEqualTo("v");
  }
}
