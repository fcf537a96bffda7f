package io.github.tieredcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tieredcache.codec.ValueCodec;
import io.github.tieredcache.memory.InMemoryTierStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code TieredCacheBuilder.loadTimeouts}: a slow load is answered with a copy within the
 * stale-on-error bound after the soft timeout, with that copy or a {@link LoadTimeoutException}
 * after the hard one, and its value is cached when it completes. Time is a fake ticker, and the
 * timeouts run on a scheduler that follows it.
 */
class LoadTimeoutsTest {

  private static final Duration TTL = Duration.ofSeconds(60);
  private static final Duration SOFT = Duration.ofMillis(200);
  private static final Duration HARD = Duration.ofSeconds(2);

  private final FakeTicker ticker = new FakeTicker();
  private final VirtualScheduler scheduler = new VirtualScheduler(ticker);
  private final InMemoryTierStore store = new InMemoryTierStore(ticker);
  private final PendingLoader slow = new PendingLoader();
  private final AtomicInteger loads = slow.calls;
  private final List<CompletableFuture<String>> inProgress = slow.inProgress;
  private final ExecutorService loaders = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    loaders.shutdownNow();
  }

  private TieredCache<String, String> cache(Duration soft, Duration hard, Duration staleOnError) {
    return TieredCache.<String, String>builder()
        .name("posts")
        .store(store)
        .tiers(Tier.named("hot").ttl(TTL))
        .ttlJitter(0)
        .l0Disabled()
        .loadLease(Duration.ZERO)
        .ticker(ticker)
        .clock(ticker.clock())
        .scheduler(scheduler)
        .executor(Runnable::run)
        .staleOnError(staleOnError)
        .loadTimeouts(soft, hard)
        .valueCodec(ValueCodec.utf8())
        .build();
  }

  @Test
  void afterTheSoftTimeoutAStaleCopyAnswersAndTheLoadIsCachedWhenItCompletes() {
    try (TieredCache<String, String> cache = cache(SOFT, HARD, Duration.ofMinutes(10))) {
      cache.get("p1", id -> "v1");
      ticker.advance(TTL.plusSeconds(1)); // v1 is past its freshness, within the bound

      CompletableFuture<String> read = cache.getAsync("p1", slow);
      scheduler.advance(SOFT.minusMillis(1));
      assertThat(read).as("before the soft timeout the read waits").isNotDone();
      scheduler.advance(Duration.ofMillis(1));
      assertThat(read.getNow(null)).isEqualTo("v1");
      assertThat(cache.stats().staleOnError()).isEqualTo(1);
      assertThat(cache.getAsync("p1", slow).getNow(null))
          .as("a read arriving meanwhile joins the running load's answer")
          .isEqualTo("v1");
      assertThat(loads).hasValue(1);

      inProgress.get(0).complete("v2");
      assertThat(cache.getAsync("p1", slow).getNow(null)).isEqualTo("v2");
      assertThat(loads).as("v2 was cached").hasValue(1);
    }
  }

  @Test
  void aLoadThatFailsAfterTheSoftTimeoutAnsweredCountsOnceAndTheNextReadLoadsAgain() {
    try (TieredCache<String, String> cache = cache(SOFT, HARD, Duration.ofMinutes(10))) {
      cache.get("p1", id -> "v1");
      ticker.advance(TTL.plusSeconds(1));
      CompletableFuture<String> read = cache.getAsync("p1", slow);
      scheduler.advance(SOFT);
      assertThat(read.getNow(null)).isEqualTo("v1");

      inProgress.get(0).completeExceptionally(new IllegalStateException("database down"));
      assertThat(cache.stats().staleOnError()).as("one answer, counted once").isEqualTo(1);
      cache.getAsync("p1", slow);
      assertThat(loads).as("the failed load's flight ended").hasValue(2);
    }
  }

  @Test
  void afterTheHardTimeoutWithoutACopyTheReadFailsAndTheNextReadLoadsAgain() {
    try (TieredCache<String, String> cache = cache(Duration.ZERO, HARD, Duration.ZERO)) {
      CompletableFuture<String> read = cache.getAsync("p1", slow);
      scheduler.advance(HARD);

      assertThatThrownBy(read::join)
          .hasCauseInstanceOf(LoadTimeoutException.class)
          .hasMessageContaining("hard load timeout");
      CompletableFuture<String> next = cache.getAsync("p1", slow);
      assertThat(loads).as("a load of its own").hasValue(2);
      inProgress.get(1).complete("v2");
      assertThat(next.join()).isEqualTo("v2");
    }
  }

  @Test
  void aLoadThatCompletesAfterTheHardTimeoutIsCached() {
    try (TieredCache<String, String> cache = cache(Duration.ZERO, HARD, Duration.ZERO)) {
      CompletableFuture<String> read = cache.getAsync("p1", slow);
      scheduler.advance(HARD);
      assertThat(read).isCompletedExceptionally();

      inProgress.get(0).complete("late v1");
      assertThat(cache.getAsync("p1", slow).getNow(null)).isEqualTo("late v1");
      assertThat(loads).hasValue(1);
    }
  }

  @Test
  void aBlockingGetStopsWaitingAtTheHardTimeoutWhileItsLoaderStillRuns() throws Exception {
    try (TieredCache<String, String> cache =
        TieredCache.<String, String>builder()
            .name("posts")
            .store(store)
            .tiers(Tier.named("hot").ttl(TTL))
            .l0Disabled()
            .ticker(ticker)
            .clock(ticker.clock())
            .scheduler(scheduler)
            .executor(loaders)
            .loadTimeouts(Duration.ZERO, HARD)
            .valueCodec(ValueCodec.utf8())
            .build()) {
      CountDownLatch loading = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      ExecutorService caller = Executors.newSingleThreadExecutor();
      try {
        Future<String> get =
            caller.submit(
                () ->
                    cache.get(
                        "p1",
                        id -> {
                          loading.countDown();
                          try {
                            release.await(); // a query that hangs
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                          return "v1";
                        }));
        assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
        scheduler.advance(HARD);

        assertThatThrownBy(() -> get.get(10, TimeUnit.SECONDS))
            .hasCauseInstanceOf(LoadTimeoutException.class);
        release.countDown();
      } finally {
        caller.shutdownNow();
      }
    }
  }

  @Test
  void settingsAreCheckedNamingThem() {
    assertThatThrownBy(
            () -> TieredCache.<String, String>builder().loadTimeouts(HARD, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be shorter than the hard");
    assertThatThrownBy(
            () -> TieredCache.<String, String>builder().loadTimeouts(Duration.ofSeconds(-1), HARD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("loadTimeouts");
    assertThatThrownBy(() -> cache(SOFT, HARD, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("staleOnError");
  }
}
