package io.github.tieredcache.internal;

import com.github.benmanes.caffeine.cache.Ticker;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Ticker} that reads a time one daemon thread refreshes every {@value #RESOLUTION_MILLIS}
 * ms, so that an L0 hit reads the clock with one volatile load instead of {@link
 * System#nanoTime()}.
 *
 * <p>Why: on the machines this library is measured on, {@code System.nanoTime()} costs about 26 ns
 * while a whole Caffeine hit without expiry costs 7 to 17 ns (a JMH probe of the time sources and
 * Caffeine's expiry options, recorded in the issue that introduced this class). The L0 needs a
 * clock on every hit, to honour both its own bound and the remote copy's fresh-until; read through
 * this ticker, an L0 with expiry costs about what Caffeine without expiry does.
 *
 * <p><b>What it costs in precision.</b> A reading lags real time by at most the resolution plus
 * however long the refreshing thread waits to be scheduled, so an L0 entry may outlive its bound by
 * that much (a millisecond or two on a loaded machine, against bounds of seconds). The readings are
 * monotonic: they come from {@code System.nanoTime()}.
 *
 * <p><b>Lifecycle.</b> The thread runs while at least one cache uses the ticker: {@link #acquire()}
 * starts it with the first user, {@link #release()} stops it with the last, so an application that
 * closes its caches (or a container that redeploys it) keeps no thread behind.
 */
final class CoarseTicker implements Ticker {

  static final long RESOLUTION_MILLIS = 1;

  static final CoarseTicker INSTANCE = new CoarseTicker();

  private volatile long now = System.nanoTime();
  private int users; // guarded by this
  private @Nullable Thread thread; // guarded by this; null while no cache uses the ticker

  private CoarseTicker() {}

  @Override
  public long read() {
    return now;
  }

  /** Registers a user; the first one starts the refreshing thread. */
  synchronized CoarseTicker acquire() {
    if (users++ == 0) {
      now = System.nanoTime();
      Thread t = new Thread(this::refresh, "tiered-cache-coarse-ticker");
      t.setDaemon(true);
      thread = t;
      t.start();
    }
    return this;
  }

  /** Unregisters a user; the last one stops the refreshing thread. */
  synchronized void release() {
    if (users > 0 && --users == 0) {
      Thread t = thread;
      thread = null;
      if (t != null) {
        LockSupport.unpark(t);
      }
    }
  }

  /** Returns whether the refreshing thread runs (for tests). */
  synchronized boolean isRunning() {
    return thread != null;
  }

  private void refresh() {
    long resolution = TimeUnit.MILLISECONDS.toNanos(RESOLUTION_MILLIS);
    Thread self = Thread.currentThread();
    while (isCurrent(self)) {
      now = System.nanoTime();
      LockSupport.parkNanos(this, resolution);
    }
  }

  private synchronized boolean isCurrent(Thread self) {
    return thread == self;
  }
}
