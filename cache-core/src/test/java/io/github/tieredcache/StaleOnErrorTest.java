package io.github.tieredcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tieredcache.TieredCacheContract.Post;
import io.github.tieredcache.codec.JacksonValueCodec;
import io.github.tieredcache.memory.InMemoryTierStore;
import io.github.tieredcache.spi.Namespace;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@code TieredCacheBuilder.staleOnError}: a failed load is answered with a copy past its freshness
 * by at most the bound, counted, and never cached; past the bound, or without the setting, the
 * loader's failure reaches the caller. Time is a fake ticker.
 */
class StaleOnErrorTest {

  private static final Duration TTL = Duration.ofSeconds(60);
  private static final Duration MAX_STALE = Duration.ofMinutes(10);
  private static final Namespace HOT_ONLY = Namespace.of("posts", List.of("hot"));

  private final FakeTicker ticker = new FakeTicker();
  private final InMemoryTierStore store = new InMemoryTierStore(ticker);

  private TieredCache<String, Post> cache(Duration staleOnError) {
    TieredCacheBuilder<String, Post> builder =
        TieredCache.<String, Post>builder()
            .name("posts")
            .store(store)
            .tiers(Tier.named("hot").ttl(TTL))
            .ttlJitter(0)
            .l0Disabled()
            .ticker(ticker)
            .clock(ticker.clock())
            .executor(Runnable::run)
            .valueCodec(JacksonValueCodec.of(Post.class));
    if (!staleOnError.isZero()) {
      builder.staleOnError(staleOnError);
    }
    return builder.build();
  }

  private Post post(String title) {
    return new Post("p1", title, ticker.now());
  }

  private static final Function<String, Post> DOWN =
      id -> {
        throw new IllegalStateException("database down");
      };

  @Test
  void aFailedLoadIsAnsweredWithTheExpiredCopyWithinTheBoundAndCounted() {
    try (TieredCache<String, Post> cache = cache(MAX_STALE)) {
      Post v1 = post("v1");
      cache.get("p1", id -> v1);
      ticker.advance(TTL.plusMinutes(1)); // past its freshness, within the bound

      assertThat(cache.get("p1", DOWN)).isEqualTo(v1);
      assertThat(
              cache
                  .getAsync(
                      "p1",
                      (id, executor) ->
                          CompletableFuture.failedFuture(
                              new IllegalStateException("database down")))
                  .join())
          .isEqualTo(v1);
      assertThat(cache.stats().staleOnError()).as("each answer counted, none cached").isEqualTo(2);

      Post v2 = post("v2");
      assertThat(cache.get("p1", id -> v2)).as("the loader is asked on every read").isEqualTo(v2);
      assertThat(cache.get("p1", DOWN)).as("v2 is fresh now").isEqualTo(v2);
      assertThat(cache.stats().staleOnError()).isEqualTo(2);
    }
  }

  @Test
  void pastTheBoundTheLoadersFailureReachesTheCaller() {
    try (TieredCache<String, Post> cache = cache(MAX_STALE)) {
      cache.get("p1", id -> post("v1"));
      ticker.advance(TTL.plus(MAX_STALE).plusSeconds(1));

      assertThatThrownBy(() -> cache.get("p1", DOWN)).hasMessageContaining("database down");
      assertThat(cache.stats().staleOnError()).isZero();
    }
  }

  @Test
  void withoutTheSettingAFailedLoadFailsAndTheStoreKeepsNoExpiredCopy() {
    try (TieredCache<String, Post> cache = cache(Duration.ZERO)) {
      cache.get("p1", id -> post("v1"));
      ticker.advance(TTL.plusSeconds(1));

      assertThatThrownBy(() -> cache.get("p1", DOWN))
          .isInstanceOfAny(IllegalStateException.class, CompletionException.class)
          .hasMessageContaining("database down");
      assertThat(store.records(HOT_ONLY)).as("nothing kept past the TTL").isLessThanOrEqualTo(1);
      assertThat(store.storedBytes(HOT_ONLY)).isZero();
    }
  }

  @Test
  void theBoundMustNotBeNegative() {
    assertThatThrownBy(
            () -> TieredCache.<String, Post>builder().staleOnError(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("staleOnError");
  }
}
