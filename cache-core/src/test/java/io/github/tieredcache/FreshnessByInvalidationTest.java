package io.github.tieredcache;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.tieredcache.TieredCacheContract.Post;
import io.github.tieredcache.codec.JacksonValueCodec;
import io.github.tieredcache.memory.InMemoryTierStore;
import io.github.tieredcache.spi.Invalidation;
import io.github.tieredcache.spi.InvalidationListener;
import io.github.tieredcache.spi.Lookup;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.TierStore;
import io.github.tieredcache.spi.Write;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Freshness by invalidation on a store that fails on demand: from the first failed call the cache
 * serves no remote copy and keeps L0 entries at most the bound, and it trusts again once healthy
 * for the bound. Elapsed time is fake; heartbeats run on the real scheduler, every quarter of the
 * bound.
 */
class FreshnessByInvalidationTest {

  private static final Duration BOUND = Duration.ofMillis(400);

  private final FakeTicker ticker = new FakeTicker();
  private final Switchable store = new Switchable(new InMemoryTierStore(ticker));
  private final AtomicInteger loads = new AtomicInteger();
  private final TieredCache<String, Post> cache =
      builder("posts").freshness(Freshness.byInvalidation(BOUND)).build();

  /** A cache on the switchable store, on fake time, with loads run on the caller's thread. */
  private TieredCacheBuilder<String, Post> builder(String name) {
    return TieredCache.<String, Post>builder()
        .name(name)
        .store(store)
        .ticker(ticker)
        .clock(ticker.clock())
        .executor(Runnable::run)
        .valueCodec(JacksonValueCodec.of(Post.class))
        .ageOf(Post::createdAt);
  }

  @AfterEach
  void close() {
    cache.close();
  }

  private Post post(String id) {
    return new Post(id, "title " + id, ticker.now().minus(Duration.ofMinutes(5)));
  }

  private Post read(String id) {
    return cache.get(
        id,
        k -> {
          loads.incrementAndGet();
          return post(k);
        });
  }

  @Test
  void theDefaultTiersBoundResidencyNotFreshness() {
    assertThat(cache.tiers()).isEqualTo(Tiers.forInvalidation());
    assertThat(cache.tiers().get(0).ttl()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void byDefaultAWarmHitMovesIntoHotLeavingOneCopy() {
    Post old = new Post("p9", "title", ticker.now().minus(Duration.ofHours(2)));
    cache.put("p9", old); // warm: 1 h to 24 h old
    cache.local().invalidate("p9");
    assertThat(cache.get("p9", k -> old)).isEqualTo(old); // a warm hit
    Namespace ns = Namespace.of("posts", cache.tiers().names());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> store.read(ns, "p9".getBytes(UTF_8)).join().copy(0) != null);
    assertThat(store.read(ns, "p9".getBytes(UTF_8)).join().copy(1))
        .as("moved, not copied")
        .isNull();
    assertThat(cache.stats().promotions()).containsEntry("warm->hot", 1L);
  }

  @Test
  void afterAFailedCallNoRemoteCopyServesAndTheL0IsClippedUntilHealthyForTheBound() {
    cache.put("p1", post("p1"));
    assertThat(cache.local().estimatedSize()).isEqualTo(1);

    store.failing = true;
    read("p2"); // a remote call fails
    assertThat(cache.local().estimatedSize()).as("the L0 is cleared").isLessThanOrEqualTo(1);
    assertThat(cache.getIfPresent("p1")).as("nothing it can trust").isNull();
    store.failing = false;

    int before = loads.get();
    read("p1");
    assertThat(loads.get()).as("the remote copy of p1 is not served").isEqualTo(before + 1);
    read("p1");
    assertThat(loads.get()).as("an L0 hit").isEqualTo(before + 1);
    ticker.advance(BOUND.plusMillis(1));
    read("p1");
    assertThat(loads.get()).as("the L0 entry lived at most the bound").isEqualTo(before + 2);

    ticker.advance(BOUND); // healthy for the bound: the next heartbeat restores trust
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              cache.local().invalidate("p1");
              int now = loads.get();
              read("p1");
              assertThat(loads.get()).as("served by its remote copy again").isEqualTo(now);
            });
    assertThat(cache.stats().distrustedEpisodes()).isEqualTo(1);
  }

  @Test
  void aPutWhileDistrustingLivesInTheL0AtMostTheBound() {
    store.failing = true;
    read("p2"); // a remote call fails: distrusting

    cache.put("p1", post("p1")); // its remote write fails too; the caller does not see it
    assertThat(cache.getIfPresent("p1")).as("in this instance's L0").isNotNull();
    ticker.advance(BOUND.plusMillis(1));
    assertThat(cache.getIfPresent("p1"))
        .as("a message it sent may be lost: its L0 copy ends with the bound")
        .isNull();
  }

  @Test
  void aRemoteCopyWrittenBeforeTrustReturnedIsLoadedAgainNotServed() {
    cache.put("p1", post("p1")); // its copy predates the fault
    store.failing = true;
    read("p2");
    store.failing = false;
    ticker.advance(BOUND.multipliedBy(2));
    await("trusted again: a copy written now serves from the remote tiers")
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              cache.local().invalidate("p9");
              read("p9");
              int now = loads.get();
              cache.local().invalidate("p9");
              read("p9");
              assertThat(loads.get()).isEqualTo(now);
            });

    int before = loads.get();
    cache.local().invalidate("p1");
    read("p1");
    assertThat(loads.get())
        .as("a removal of p1 may still be waiting in a writer's backlog: loaded, not served")
        .isEqualTo(before + 1);
    cache.local().invalidate("p1");
    read("p1");
    assertThat(loads.get()).as("the load's write-back serves from then on").isEqualTo(before + 1);
  }

  @Test
  void byTtlAFailedCallChangesNothingButTheFailure() {
    TieredCache<String, Post> byTtl = builder("posts-ttl").build();
    try (byTtl) {
      byTtl.put("p1", post("p1"));
      store.failing = true;
      byTtl.get("p2", this::post);
      store.failing = false;

      assertThat(byTtl.local().estimatedSize()).as("the L0 keeps its entries").isEqualTo(2);
      byTtl.local().invalidate("p1");
      assertThat(byTtl.getIfPresent("p1")).as("its remote copy serves").isNotNull();
      assertThat(byTtl.stats().distrustedEpisodes()).isZero();
    }
  }

  /** A store that fails every call while {@code failing}, and otherwise passes them on. */
  static final class Switchable implements TierStore {
    final TierStore delegate;
    volatile boolean failing;

    Switchable(TierStore delegate) {
      this.delegate = delegate;
    }

    private <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> operation) {
      return failing
          ? CompletableFuture.failedFuture(new IllegalStateException("store down"))
          : operation.get();
    }

    @Override
    public CompletableFuture<Lookup> read(Namespace n, byte[] k) {
      return call(() -> delegate.read(n, k));
    }

    @Override
    public CompletableFuture<List<Lookup>> readAll(Namespace n, List<byte[]> k) {
      return call(() -> delegate.readAll(n, k));
    }

    @Override
    public CompletableFuture<Boolean> writeIfGeneration(Namespace n, Write w) {
      return call(() -> delegate.writeIfGeneration(n, w));
    }

    @Override
    public CompletableFuture<List<Boolean>> writeAllIfGeneration(Namespace n, List<Write> w) {
      return call(() -> delegate.writeAllIfGeneration(n, w));
    }

    @Override
    public CompletableFuture<Boolean> promote(Namespace n, Write w) {
      return call(() -> delegate.promote(n, w));
    }

    @Override
    public CompletableFuture<Boolean> move(Namespace n, Write w, int from) {
      return call(() -> delegate.move(n, w, from));
    }

    @Override
    public CompletableFuture<Void> put(Namespace n, Write w) {
      return call(() -> delegate.put(n, w));
    }

    @Override
    public CompletableFuture<Void> remove(Namespace n, byte[] k) {
      return call(() -> delegate.remove(n, k));
    }

    @Override
    public CompletableFuture<Void> removeAll(Namespace n, List<byte[]> k) {
      return call(() -> delegate.removeAll(n, k));
    }

    @Override
    public CompletableFuture<Void> clear(Namespace n) {
      return call(() -> delegate.clear(n));
    }

    @Override
    public CompletableFuture<Void> publish(Namespace n, Invalidation m) {
      return call(() -> delegate.publish(n, m));
    }

    @Override
    public AutoCloseable subscribe(Namespace n, InvalidationListener l) {
      return delegate.subscribe(n, l);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
