package io.github.tieredcache.spring.boot.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tieredcache.memory.InMemoryTierStore;
import io.github.tieredcache.resilience.ResilientTierStore;
import io.github.tieredcache.spring.boot.store.NamedTierStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class TierStoreHealthIndicatorTest {

  @Test
  void failingPrimariesAreListedWhileTheStoreStaysUpAndVanishWhenTheyServeAgain() {
    AtomicReference<List<String>> failing = new AtomicReference<>(List.of("10.0.0.2:6379"));
    try (ResilientTierStore store = ResilientTierStore.wrap(new InMemoryTierStore())) {
      NamedTierStore named =
          new NamedTierStore(
              "default",
              store,
              store.circuitBreaker(),
              "redis-cluster 10.0.0.1:6379",
              () -> CompletableFuture.completedFuture(null),
              failing::get);
      TierStoreHealthIndicator indicator =
          new TierStoreHealthIndicator(
              named, /* downWhenUnreachable= */ true, Duration.ofSeconds(1));

      Health partial = indicator.health();
      assertThat(partial.getStatus()).isEqualTo(Status.UP);
      assertThat(partial.getDetails()).containsEntry("failingPrimaries", List.of("10.0.0.2:6379"));

      failing.set(List.of());
      assertThat(indicator.health().getDetails()).doesNotContainKey("failingPrimaries");
    }
  }
}
