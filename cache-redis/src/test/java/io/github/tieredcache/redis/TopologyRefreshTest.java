package io.github.tieredcache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TopologyRefreshTest {

  @Test
  void manyRequestsWithinASecondRefreshOnce() {
    AtomicInteger refreshes = new AtomicInteger();
    TopologyRefresh refresh =
        new TopologyRefresh(
            () -> {
              refreshes.incrementAndGet();
              return CompletableFuture.completedFuture(null);
            });

    for (int i = 0; i < 1_000; i++) {
      refresh.request();
    }

    assertThat(refreshes).hasValue(1);
  }

  @Test
  void aLaterRequestRefreshesAgain() {
    AtomicInteger refreshes = new AtomicInteger();
    TopologyRefresh refresh =
        new TopologyRefresh(
            () -> {
              refreshes.incrementAndGet();
              return CompletableFuture.completedFuture(null);
            });
    refresh.request();

    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              refresh.request();
              return refreshes.get() == 2;
            });
  }

  @Test
  void whatFollowsARefreshRunsWhenItCompletesAndNotForOneNotStarted() {
    CompletableFuture<Void> refreshing = new CompletableFuture<>();
    TopologyRefresh refresh = new TopologyRefresh(() -> refreshing);
    AtomicInteger after = new AtomicInteger();

    refresh.request(after::incrementAndGet);
    refresh.request(after::incrementAndGet); // within the second: no refresh, nothing to follow
    assertThat(after).hasValue(0);

    refreshing.complete(null);
    assertThat(after).hasValue(1);
  }

  @Test
  void aFailingRefreshIsContained() {
    TopologyRefresh throwing =
        new TopologyRefresh(
            () -> {
              throw new IllegalStateException("client shut down");
            });
    TopologyRefresh failing =
        new TopologyRefresh(() -> CompletableFuture.failedFuture(new IllegalStateException("x")));

    throwing.request();
    failing.request();
    TopologyRefresh.NONE.request();
  }
}
