package io.github.tieredcache.internal;

import com.github.benmanes.caffeine.cache.Scheduler;
import io.github.tieredcache.LoadTimeoutException;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Soft and hard load timeouts ({@code TieredCacheBuilder.loadTimeouts}) for the load a flight
 * leads. The load is never cancelled: when it completes, its value is cached as usual; only the
 * callers stop waiting for it.
 *
 * <ul>
 *   <li><b>Soft</b>: once the load has run this long, a copy within the stale-on-error bound (if
 *       the read found one) answers the callers, counted as {@code staleOnError}; callers arriving
 *       later join it until that bound ends, or the load completes.
 *   <li><b>Hard</b>: once it has run this long, the callers get such a copy or else a {@link
 *       LoadTimeoutException}, and the flight ends, so the next read starts a load of its own.
 * </ul>
 *
 * <p>Thread-safe.
 */
final class LoadTimeouts {

  private final String cacheName;
  private final long softNanos;
  private final long hardNanos;
  private final Duration hard;
  private final Scheduler scheduler;
  private final Copies<?, ?> copies;
  private final StatsRecorder stats;

  /** Either duration may be {@link Duration#ZERO}, for none. */
  LoadTimeouts(
      String cacheName,
      Duration soft,
      Duration hard,
      Scheduler scheduler,
      Copies<?, ?> copies,
      StatsRecorder stats) {
    this.cacheName = cacheName;
    this.softNanos = soft.toNanos();
    this.hardNanos = hard.toNanos();
    this.hard = hard;
    this.scheduler = scheduler;
    this.copies = copies;
    this.stats = stats;
  }

  /** Returns whether any timeout is set. */
  boolean enabled() {
    return softNanos > 0 || hardNanos > 0;
  }

  /**
   * Watches the load of {@code flight}, which started now; {@code rescue} is the copy past its
   * stale window the read found, or {@code null}; {@code end} ends the flight. Returns what stops
   * the watch once the load completes.
   */
  Runnable watch(Loads.Flight flight, byte @Nullable [] rescue, Runnable end) {
    Future<?> soft =
        softNanos > 0 && rescue != null
            ? scheduler.schedule(
                Runnable::run, () -> rescue(flight, rescue), softNanos, TimeUnit.NANOSECONDS)
            : null;
    Future<?> hardTimer =
        hardNanos > 0
            ? scheduler.schedule(
                Runnable::run,
                () -> {
                  if (!flight.promise.isDone() && !rescue(flight, rescue)) {
                    flight.promise.completeExceptionally(
                        new LoadTimeoutException(
                            "cache '"
                                + cacheName
                                + "': the load did not complete within the hard load timeout ("
                                + hard
                                + "), and no copy within the stale-on-error bound could answer;"
                                + " the load goes on in the background"));
                  }
                  end.run();
                },
                hardNanos,
                TimeUnit.NANOSECONDS)
            : null;
    return () -> {
      if (soft != null) {
        soft.cancel(false);
      }
      if (hardTimer != null) {
        hardTimer.cancel(false);
      }
    };
  }

  /** Answers the flight with the rescue copy, if it is still within its bound; counted. */
  private boolean rescue(Loads.Flight flight, byte @Nullable [] rescue) {
    if (rescue == null || flight.promise.isDone()) {
      return false;
    }
    Object stale = copies.rescue(rescue);
    if (stale == null) {
      return false;
    }
    flight.servableUntil = copies.rescueUntil(rescue);
    if (flight.promise.complete(stale)) {
      stats.staleOnError();
    }
    return true;
  }
}
