package io.github.tieredcache.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One daemon thread that runs the periodic work of every cache in the JVM (heartbeats), started by
 * the first cache that needs it and stopped with the last, so closed caches leave no thread behind.
 * Tasks must be short and never block: they only start asynchronous work.
 */
final class SharedScheduler {

  static final SharedScheduler INSTANCE = new SharedScheduler();

  private @Nullable ScheduledThreadPoolExecutor executor; // guarded by this
  private int users; // guarded by this

  private SharedScheduler() {}

  /** Runs {@code task} every {@code period}; cancel the handle (then {@link #release}) to stop. */
  synchronized ScheduledFuture<?> every(Duration period, Runnable task) {
    ScheduledThreadPoolExecutor e = executor;
    if (e == null) {
      e = new ScheduledThreadPoolExecutor(1, r -> daemon(r));
      e.setRemoveOnCancelPolicy(true);
      executor = e;
    }
    users++;
    long nanos = period.toNanos();
    return e.scheduleWithFixedDelay(task, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  /** Ends one user's periodic task; the last one stops the thread. */
  synchronized void release(ScheduledFuture<?> handle) {
    handle.cancel(false);
    if (users > 0 && --users == 0 && executor != null) {
      executor.shutdownNow();
      executor = null;
    }
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "tiered-cache-scheduler");
    t.setDaemon(true);
    return t;
  }
}
