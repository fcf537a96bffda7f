package io.github.tieredcache;

import java.time.Duration;
import java.util.Objects;

/**
 * How a cache keeps what it serves fresh: by TTL, or by invalidation. Chosen per cache with {@link
 * TieredCacheBuilder#freshness(Freshness)}; immutable.
 *
 * <p><b>By TTL</b> ({@link #byTtl()}, the default): a tier's TTL is how long a copy may be served
 * as fresh, so it is the bound on staleness (plus the tier's stale window, where one is set).
 * {@code put} and {@code invalidate} still reach every instance, but nothing promises how soon when
 * messages are lost: the L0 bound and the TTLs cap it.
 *
 * <p><b>By invalidation</b> ({@link #byInvalidation(Duration)}): the application calls {@code put}
 * or {@code invalidate} on every change of the source, and the cache promises that a read starting
 * after such a call returned sees the new value on every instance within the propagation delay
 * while the store is healthy, and within {@link #maxStaleness()} through store faults that heal.
 * Tier TTLs then bound residency and memory, not staleness (with {@link Tiers#forInvalidation()} as
 * the default tiers). To keep the promise each instance sends a heartbeat on the cache's channel
 * every quarter of the bound and watches for its own; from the first failed remote call or missing
 * heartbeat it stops trusting its L0 (cleared; new entries live at most the bound) and the remote
 * copies written before the fault (reloaded), until it has been healthy for the bound. See {@code
 * docs/CONSISTENCY.md} for what a reader sees, fault by fault.
 */
public final class Freshness {

  /** The staleness bound of {@link #byInvalidation()}: 5 s. */
  public static final Duration DEFAULT_MAX_STALENESS = Duration.ofSeconds(5);

  private static final Freshness BY_TTL = new Freshness(false, Duration.ZERO);

  private final boolean byInvalidation;
  private final Duration maxStaleness;

  private Freshness(boolean byInvalidation, Duration maxStaleness) {
    this.byInvalidation = byInvalidation;
    this.maxStaleness = maxStaleness;
  }

  /** Returns freshness by TTL. */
  public static Freshness byTtl() {
    return BY_TTL;
  }

  /** Returns freshness by invalidation with the default bound of 5 s. */
  public static Freshness byInvalidation() {
    return byInvalidation(DEFAULT_MAX_STALENESS);
  }

  /**
   * Returns freshness by invalidation with {@code maxStaleness} as the bound through faults.
   *
   * @throws IllegalArgumentException if the bound is under 100 ms (heartbeats would flood the
   *     channel) or not positive
   */
  public static Freshness byInvalidation(Duration maxStaleness) {
    Tier.requirePositive("maxStaleness", maxStaleness);
    if (maxStaleness.compareTo(Duration.ofMillis(100)) < 0) {
      throw new IllegalArgumentException("maxStaleness must be at least 100ms: " + maxStaleness);
    }
    return new Freshness(true, maxStaleness);
  }

  /** Returns whether this is freshness by invalidation. */
  public boolean isByInvalidation() {
    return byInvalidation;
  }

  /** Returns the staleness bound through faults; zero for freshness by TTL. */
  public Duration maxStaleness() {
    return maxStaleness;
  }

  /** Returns how often an instance sends its heartbeat: a quarter of the bound. */
  public Duration heartbeatInterval() {
    return maxStaleness.dividedBy(4);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Freshness other
        && byInvalidation == other.byInvalidation
        && maxStaleness.equals(other.maxStaleness);
  }

  @Override
  public int hashCode() {
    return Objects.hash(byInvalidation, maxStaleness);
  }

  @Override
  public String toString() {
    return byInvalidation
        ? "Freshness[byInvalidation, maxStaleness=" + maxStaleness + "]"
        : "Freshness[byTtl]";
  }
}
