package io.github.tieredcache.internal;

import com.github.benmanes.caffeine.cache.Scheduler;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A cache's periodic task (its heartbeats): on the application's {@link Scheduler} when one was
 * given, each run scheduling the next one a period later, or else on the {@link SharedScheduler}.
 * {@link #stop()} ends it: no run starts after it returns, though one in progress finishes.
 *
 * <p>Thread-safe.
 */
final class Periodic {

  private final @Nullable Scheduler scheduler;
  private final long periodNanos;
  private final Runnable task;
  private final @Nullable ScheduledFuture<?> shared;
  private volatile boolean stopped;
  private volatile @Nullable Future<?> next;

  private Periodic(@Nullable Scheduler scheduler, Duration period, Runnable task) {
    this.scheduler = scheduler;
    this.periodNanos = period.toNanos();
    this.task = task;
    this.shared = scheduler == null ? SharedScheduler.INSTANCE.every(period, task) : null;
  }

  /** Runs {@code task} every {@code period}, on {@code scheduler} or the shared thread. */
  static Periodic every(@Nullable Scheduler scheduler, Duration period, Runnable task) {
    Periodic periodic = new Periodic(scheduler, period, task);
    periodic.scheduleNext();
    return periodic;
  }

  void stop() {
    stopped = true;
    if (shared != null) {
      SharedScheduler.INSTANCE.release(shared);
    }
    Future<?> pending = next;
    if (pending != null) {
      pending.cancel(false);
    }
  }

  private void scheduleNext() {
    Scheduler s = scheduler;
    if (s != null && !stopped) {
      next = s.schedule(Runnable::run, this::run, periodNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void run() {
    if (stopped) {
      return;
    }
    try {
      task.run();
    } finally {
      scheduleNext();
    }
  }
}
