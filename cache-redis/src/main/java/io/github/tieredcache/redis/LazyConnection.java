package io.github.tieredcache.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A connection made on first use and, until the first attempt succeeds, attempted again at most
 * once per retry interval; callers in between fail at once with the last failure. Once made, the
 * connection reconnects by itself (Lettuce's auto-reconnect), so it is never replaced.
 *
 * <p>This is what lets a store be built while Redis is down: operations fail fast (and a circuit
 * breaker around the store stops asking) until Redis is reachable.
 *
 * <p>Thread-safe. {@link #now()} is the lock-free fast path once connected.
 */
final class LazyConnection<T> {

  private final Supplier<? extends CompletionStage<T>> connector;
  private final Function<T, ? extends CompletionStage<?>> closer;
  private final long retryIntervalNanos;

  private volatile @Nullable T connected;
  private @Nullable CompletableFuture<T> attempt;
  private long failedAt;
  private boolean closed;

  LazyConnection(
      Supplier<? extends CompletionStage<T>> connector,
      Function<T, ? extends CompletionStage<?>> closer,
      long retryIntervalNanos) {
    this.connector = connector;
    this.closer = closer;
    this.retryIntervalNanos = retryIntervalNanos;
  }

  /** Returns the connection if it is made, else {@code null}. */
  @Nullable T now() {
    return connected;
  }

  /** Returns the connection, making it (or failing with the last attempt's failure) first. */
  synchronized CompletableFuture<T> get() {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("RedisTierStore is closed"));
    }
    T c = connected;
    if (c != null) {
      return CompletableFuture.completedFuture(c);
    }
    if (attempt == null
        || (attempt.isCompletedExceptionally()
            && System.nanoTime() - failedAt >= retryIntervalNanos)) {
      CompletableFuture<T> started;
      try {
        started = connector.get().toCompletableFuture();
      } catch (RuntimeException e) {
        started = CompletableFuture.failedFuture(e);
      }
      attempt = started.whenComplete(this::completed);
    }
    return attempt;
  }

  private void completed(@Nullable T connection, @Nullable Throwable error) {
    synchronized (this) {
      if (error != null) {
        failedAt = System.nanoTime();
        return;
      }
      if (!closed) {
        connected = connection;
        return;
      }
    }
    if (connection != null) {
      var unused = closer.apply(connection); // closed while connecting; nobody waits for it
    }
  }

  /** Closes the connection if it was made; later calls to {@link #get()} fail. */
  /**
   * Closes the connection, if it was made; completes when it is closed, so whoever shuts the client
   * down afterwards does not close it a second time (Lettuce then warns "Connection is already
   * closed").
   */
  CompletableFuture<?> close() {
    T c;
    synchronized (this) {
      closed = true;
      c = connected;
      connected = null;
    }
    if (c == null) {
      return CompletableFuture.completedFuture(null);
    }
    return closer.apply(c).toCompletableFuture();
  }
}
