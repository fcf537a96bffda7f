package io.github.tieredcache.examples;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Simulated time: a Caffeine {@link Ticker} that moves only when the workload advances it, so a run
 * of a few seconds covers hours, and the 60 s / 1 h / 24 h lifetimes of the tiers come into play.
 *
 * <p>The cache and the {@code InMemoryTierStore} both read this ticker. The cache dates the copies
 * it writes (and judges a post's age) by "the wall clock when the cache was built, plus ticker
 * time"; {@link #instant()} uses the same rule from the instant the clock was made, which is within
 * a few milliseconds of the cache's. Redis does not read it: it expires copies in real time (see
 * {@link Simulation} for what that means for a run).
 */
public final class SimulatedClock implements Ticker {

  private final Instant start;
  private final AtomicLong nanos = new AtomicLong();

  /** Starts simulated time at the current instant. */
  public SimulatedClock() {
    this(Instant.now());
  }

  /** Starts simulated time at {@code start}. */
  public SimulatedClock(Instant start) {
    this.start = start;
  }

  @Override
  public long read() {
    return nanos.get();
  }

  /** Moves simulated time forward and returns the new ticker reading. */
  public long advance(Duration step) {
    return nanos.addAndGet(step.toNanos());
  }

  /** Returns the instant ticker reading {@code 0} stands for. */
  public Instant start() {
    return start;
  }

  /** Returns the current simulated instant. */
  public Instant instant() {
    return start.plusNanos(nanos.get());
  }

  /** Returns the simulated instant at ticker reading {@code tickerNanos}. */
  public Instant instantAt(long tickerNanos) {
    return start.plusNanos(tickerNanos);
  }
}
