package io.github.tieredcache.spring.boot.store;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.tieredcache.spi.TierStore;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A tier store the application configured, by name.
 *
 * @param name the store's name: {@code default} for {@code tiered-cache.redis} (or the in-process
 *     store), otherwise the key under {@code tiered-cache.stores}
 * @param store the store caches use (wrapped in its circuit breaker, where it has one)
 * @param circuitBreaker the breaker in front of the store, or {@code null}
 * @param description what the store is, for health details and the endpoint (never a password)
 * @param probe asks the store itself, bypassing the breaker, whether it answers; the future fails
 *     when it does not
 * @param failingParts the parts of the store (the primaries of a cluster) that fail now while the
 *     others serve, as {@code host:port}; empty for a store without parts
 */
public record NamedTierStore(
    String name,
    TierStore store,
    @Nullable CircuitBreaker circuitBreaker,
    String description,
    Supplier<CompletableFuture<?>> probe,
    Supplier<List<String>> failingParts) {

  public NamedTierStore {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(probe, "probe");
    Objects.requireNonNull(failingParts, "failingParts");
  }

  /** A store without parts. */
  public NamedTierStore(
      String name,
      TierStore store,
      @Nullable CircuitBreaker circuitBreaker,
      String description,
      Supplier<CompletableFuture<?>> probe) {
    this(name, store, circuitBreaker, description, probe, List::of);
  }

  /** Returns a store kept in this process, which always answers and has no breaker. */
  public static NamedTierStore inProcess(String name, TierStore store) {
    return new NamedTierStore(
        name, store, null, "in-process", () -> CompletableFuture.completedFuture(null));
  }

  /** Returns whether the store is kept in this process rather than on a server. */
  public boolean isInProcess() {
    return circuitBreaker == null && "in-process".equals(description);
  }
}
