package io.github.tieredcache.redis;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A topology refresh asked for by the store itself, at most once per {@link #MIN_INTERVAL_MS}.
 *
 * <p>Lettuce refreshes on its own (periodically, and adaptively on redirects and reconnects, at
 * most once per adaptive interval), but the store knows things Lettuce does not: a primary's
 * breaker is open, so no command reaches it to be redirected; a channel's primary is marked failed,
 * so its sharded subscription is dead. Asking then sees a replica's promotion within a second of
 * Redis announcing it, not at the next periodic refresh (10 s by default).
 *
 * <p>Thread-safe; never blocks.
 */
final class TopologyRefresh {

  private static final Logger log = LoggerFactory.getLogger(TopologyRefresh.class);

  static final long MIN_INTERVAL_MS = 1_000;

  /** What asks for nothing (one server: no topology). */
  static final TopologyRefresh NONE = new TopologyRefresh(null);

  private final @Nullable Supplier<? extends CompletionStage<?>> refresh;
  private final AtomicLong last = new AtomicLong(System.nanoTime() - 2 * nanos());

  TopologyRefresh(@Nullable Supplier<? extends CompletionStage<?>> refresh) {
    this.refresh = refresh;
  }

  /** Refreshes the topology in the background, unless it was asked for less than 1 s ago. */
  void request() {
    request(() -> {});
  }

  /**
   * Like {@link #request()}; runs {@code then} once the refresh it started completes (not when it
   * starts none).
   */
  void request(Runnable then) {
    Supplier<? extends CompletionStage<?>> refresh = this.refresh;
    if (refresh == null) {
      return;
    }
    long now = System.nanoTime();
    long before = last.get();
    if (now - before < nanos() || !last.compareAndSet(before, now)) {
      return;
    }
    try {
      refresh
          .get()
          .whenComplete(
              (ok, error) -> {
                if (error != null) {
                  log.debug("Topology refresh failed", error);
                } else {
                  then.run();
                }
              });
    } catch (RuntimeException e) {
      log.debug("Topology refresh failed", e);
    }
  }

  private static long nanos() {
    return TimeUnit.MILLISECONDS.toNanos(MIN_INTERVAL_MS);
  }
}
