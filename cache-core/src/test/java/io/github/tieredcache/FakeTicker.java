package io.github.tieredcache;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A ticker that moves only when told to, and a wall clock that moves with it; shared by tests of
 * the core and of stores.
 *
 * <p>The clock starts at {@link #EPOCH}, a virtual instant far from the real time, so a test that
 * passes it to {@code TieredCacheBuilder.clock} proves that nothing it checks depends on the real
 * wall clock.
 */
public final class FakeTicker implements Ticker {

  /** Where the {@link #clock()} starts. */
  public static final Instant EPOCH = Instant.parse("2031-01-01T00:00:00Z");

  private static final long START = 1_000_000_000L;

  private final AtomicLong nanos = new AtomicLong(START);

  @Override
  public long read() {
    return nanos.get();
  }

  /** Moves time forward by {@code duration}. */
  public FakeTicker advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
    return this;
  }

  /** Returns the wall time now: {@link #EPOCH} plus how far the ticker has moved. */
  public Instant now() {
    return EPOCH.plusNanos(nanos.get() - START);
  }

  /** Returns a clock that reads {@link #now()}. */
  public Clock clock() {
    return new Clock() {
      @Override
      public Instant instant() {
        return now();
      }

      @Override
      public long millis() {
        return now().toEpochMilli();
      }

      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }
    };
  }
}
