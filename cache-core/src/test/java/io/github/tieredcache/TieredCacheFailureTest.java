package io.github.tieredcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tieredcache.TieredCacheContract.Post;
import io.github.tieredcache.codec.JacksonValueCodec;
import io.github.tieredcache.memory.InMemoryTierStore;
import io.github.tieredcache.spi.Invalidation;
import io.github.tieredcache.spi.InvalidationListener;
import io.github.tieredcache.spi.Lookup;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.TierStore;
import io.github.tieredcache.spi.Write;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** A store that fails every call, and what the cache's meters promise, through both APIs. */
@ParameterizedClass(name = "{0}")
@EnumSource(TieredCacheApi.class)
class TieredCacheFailureTest {

  @Parameter TieredCacheApi api;

  private static Post post(String id) {
    return new Post(id, "title", Instant.now().minus(Duration.ofMinutes(1)));
  }

  @Test
  void aFailingStoreNeverFailsARead() {
    try (TieredCache<String, Post> cache =
        TieredCache.<String, Post>builder()
            .name("posts")
            .store(new FailingStore())
            .valueCodec(JacksonValueCodec.of(Post.class))
            .executor(Runnable::run)
            .build()) {
      Post post = post("p1");

      assertThat(api.get(cache, "p1", key -> post)).isEqualTo(post);
      assertThat(api.get(cache, "p1", key -> null)).as("served by the L0").isEqualTo(post);
      api.put(cache, "p2", post);
      api.invalidate(cache, "p2");
      api.invalidateAll(cache);
      assertThat(api.getAll(cache, List.of("p3"))).isEmpty();
      assertThat(cache.stats().remoteErrors()).isGreaterThanOrEqualTo(4);
    }
  }

  @Test
  void aStoreThatThrowsInsteadOfFailingItsFutureNeverFailsARead() {
    try (TieredCache<String, Post> cache =
        TieredCache.<String, Post>builder()
            .name("posts")
            .store(new FailingStore(/* throwing= */ true))
            .valueCodec(JacksonValueCodec.of(Post.class))
            .executor(Runnable::run)
            .build()) {
      Post post = post("p1");
      assertThat(api.get(cache, "p1", key -> post)).isEqualTo(post);
      api.put(cache, "p2", post);
      api.invalidate(cache, "p2");
      // the read; the put and its message; the removal and its message
      assertThat(cache.stats().remoteErrors()).isEqualTo(5);
    }
  }

  @Test
  void twoCachesOfOneNameOnOneRegistryFailAtBuildAndAClosedOneFreesTheName() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    InMemoryTierStore store = new InMemoryTierStore();
    TieredCacheBuilder<String, String> builder =
        TieredCache.<String, String>builder()
            .name("users")
            .store(store)
            .valueCodec(io.github.tieredcache.codec.ValueCodec.utf8())
            .meterRegistry(registry);
    TieredCache<String, String> first = builder.build();

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'users'")
        .hasMessageContaining("already bound to this MeterRegistry");

    int meters = registry.getMeters().size();
    assertThat(meters).isPositive();
    first.close();
    assertThat(registry.getMeters()).as("closing removed every meter").isEmpty();
    try (TieredCache<String, String> second = builder.build()) {
      assertThat(registry.getMeters()).hasSize(meters);
      second.get("k", k -> "v");
      assertThat(
              registry.get("cache.gets").tags("tier", "none", "result", "miss").functionCounter())
          .extracting(c -> c.count())
          .isEqualTo(1.0);
    }
  }

  /** A store whose every call fails, by a failed future or by throwing. */
  private static final class FailingStore implements TierStore {
    private final boolean throwing;

    FailingStore() {
      this(false);
    }

    FailingStore(boolean throwing) {
      this.throwing = throwing;
    }

    private <T> CompletableFuture<T> fail() {
      if (throwing) {
        throw new IllegalStateException("redis down (thrown)");
      }
      return CompletableFuture.failedFuture(new IllegalStateException("redis down"));
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
    public CompletableFuture<Boolean> move(Namespace n, Write w, int from) {
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
    public CompletableFuture<Void> publish(Namespace n, Invalidation m) {
      return fail();
    }

    @Override
    public AutoCloseable subscribe(Namespace n, InvalidationListener l) {
      return () -> {};
    }

    @Override
    public void close() {}
  }
}
