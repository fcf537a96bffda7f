package io.github.tieredcache.internal;

import com.github.benmanes.caffeine.cache.Ticker;
import io.github.tieredcache.Tiers;
import java.util.random.RandomGenerator;

/**
 * Early refresh: a popular key is reloaded in the background shortly before its copy stops being
 * fresh, so it does not miss on every instance at once when it expires.
 *
 * <p><b>Two rules</b>, either of which starts a refresh when a read finds a fresh remote copy:
 *
 * <ul>
 *   <li><b>Refresh-ahead</b> ({@code Tier.refreshAhead}): the copy stops being fresh within the
 *       tier's refresh-ahead time.
 *   <li><b>Probabilistic early expiration</b> (XFetch, Vattani, Chierichetti and Lowenstein, VLDB
 *       2015; {@code TieredCacheBuilder.earlyRefresh}): {@code now - delta * beta * ln(u) >=
 *       freshUntil}, where {@code u} is uniform in (0, 1], {@code beta} the setting and {@code
 *       delta} how long a load of this cache takes (a moving average of the loads this instance
 *       timed on the cache's ticker). A read far from the expiry almost never refreshes; one within
 *       about {@code delta * beta} of it usually does, and the closer, the likelier.
 * </ul>
 *
 * <p><b>The L0 gives every instance its chance.</b> An L0 entry never outlives its remote copy's
 * freshness, so without more all instances would ask the remote tier at the same instant, when the
 * copy is already gone. So an entry filled here ends early: by the tier's refresh-ahead time, or by
 * a random XFetch gap drawn per fill ({@code -delta * beta * ln(u)}); the instances' entries end at
 * different times before the expiry, and the first read after its entry ended finds the remote copy
 * still fresh and may refresh it.
 *
 * <p>Thread-safe.
 */
final class EarlyRefresh {

  /** The weight of the newest load in the moving average of load times. */
  private static final double ALPHA = 0.2;

  private final double beta;
  private final long[] aheadMillis;
  private final RandomGenerator random;
  private final Ticker ticker;
  private volatile double loadNanos; // moving average; 0 until a load was timed

  EarlyRefresh(double beta, Tiers tiers, RandomGenerator random, Ticker ticker) {
    this.beta = beta;
    this.random = random;
    this.ticker = ticker;
    this.aheadMillis = new long[tiers.size()];
    for (int i = 0; i < tiers.size(); i++) {
      aheadMillis[i] = tiers.get(i).refreshAhead().toMillis();
    }
  }

  /** Returns the cache ticker's reading, to time a load with {@link #loaded}. */
  long start() {
    return ticker.read();
  }

  /** Records a successful load that started at {@code start} ({@link #start}). */
  void loaded(long start) {
    if (beta <= 0) {
      return;
    }
    long took = Math.max(0, ticker.read() - start);
    double mean = loadNanos;
    loadNanos = mean == 0 ? took : mean + ALPHA * (took - mean); // a lost race only drops one
  }

  /** Whether a read at {@code now} of a fresh copy of {@code tier} should refresh it early. */
  boolean refreshNow(int tier, long now, long freshUntil) {
    if (aheadMillis[tier] > 0 && now >= freshUntil - aheadMillis[tier]) {
      return true;
    }
    return beta > 0 && now + gapMillis() >= freshUntil;
  }

  /**
   * Returns how long an L0 entry of a copy of {@code tier} that stays fresh for {@code
   * untilFreshNanos} more may live: ended early as the class comment says.
   */
  long l0Nanos(int tier, long untilFreshNanos) {
    long early = Math.max(aheadMillis[tier] * 1_000_000, beta > 0 ? gapMillis() * 1_000_000 : 0);
    return untilFreshNanos - early;
  }

  /** A random XFetch gap: {@code -delta * beta * ln(u)} milliseconds. */
  private long gapMillis() {
    double u = 1.0 - random.nextDouble(); // in (0, 1]
    return (long) (-loadNanos * beta * Math.log(u) / 1_000_000.0);
  }
}
