package io.github.tieredcache;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tieredcache.TieredCacheContract.Post;
import io.github.tieredcache.codec.JacksonValueCodec;
import io.github.tieredcache.memory.InMemoryTierStore;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code TieredCacheBuilder.scheduler}: freshness by invalidation runs its heartbeats on the
 * application's scheduler, so a cache on a fake ticker keeps its trust through long stretches of
 * virtual time, and a closed cache schedules nothing more.
 */
class SchedulerOnVirtualTimeTest {

  private static final Duration BOUND = Duration.ofMillis(400);

  private final FakeTicker ticker = new FakeTicker();
  private final VirtualScheduler scheduler = new VirtualScheduler(ticker);
  private final AtomicInteger loads = new AtomicInteger();

  private TieredCache<String, Post> cache() {
    return TieredCache.<String, Post>builder()
        .name("posts")
        .store(new InMemoryTierStore(ticker))
        .freshness(Freshness.byInvalidation(BOUND))
        .ticker(ticker)
        .clock(ticker.clock())
        .scheduler(scheduler)
        .executor(Runnable::run)
        .valueCodec(JacksonValueCodec.of(Post.class))
        .ageOf(Post::createdAt)
        .loader(
            id -> {
              loads.incrementAndGet();
              return new Post(id, "title", ticker.now().minus(Duration.ofMinutes(5)));
            })
        .build();
  }

  @Test
  void heartbeatsFollowTheVirtualClockAndTrustHoldsForHalfAnHour() {
    try (TieredCache<String, Post> cache = cache()) {
      assertThat(scheduler.pending())
          .as("the first heartbeat, a quarter of the bound away")
          .hasSize(1);
      assertThat(scheduler.pending().get(0).dueNanos)
          .isEqualTo(ticker.read() + BOUND.toNanos() / 4);

      cache.get("p1");
      int heartbeats = scheduler.advance(Duration.ofMinutes(30));
      assertThat(heartbeats)
          .isEqualTo((int) (Duration.ofMinutes(30).toNanos() / (BOUND.toNanos() / 4)));
      assertThat(cache.stats().distrustedEpisodes()).isZero();

      cache.local().invalidate("p1");
      cache.get("p1");
      assertThat(loads.get()).as("the remote copy still serves").isEqualTo(1);
    }
  }

  @Test
  void aClosedCacheSchedulesNoMoreHeartbeats() {
    cache().close();
    assertThat(scheduler.advance(Duration.ofSeconds(10))).isZero();
    assertThat(scheduler.pending()).isEmpty();
  }

  /** A scheduler on the test's fake ticker: tasks run when {@link #advance} reaches them. */
}
