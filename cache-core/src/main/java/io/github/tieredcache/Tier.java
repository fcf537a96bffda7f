package io.github.tieredcache;

import io.github.tieredcache.spi.TierStore;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One remote tier of a cache: how long a copy stays fresh, which values it holds by age, and how
 * long a stale copy may still be served while one background refresh reloads it.
 *
 * <p>Immutable; build one with {@link #named(String)}.
 *
 * @param name the tier's name (also its metric tag and part of its storage key); letters, digits,
 *     {@code -} and {@code _}
 * @param ttl how long a copy written into this tier is fresh; positive
 * @param maxAge values younger than this are placed here by {@link Placement#byAge}; {@code null}
 *     means "any age" and is allowed only on the last tier
 * @param staleWindow how long after its TTL a copy is still returned at once while it is refreshed
 *     in the background; zero turns stale serving off
 * @param store the store holding this tier, or {@code null} for the cache's store
 * @param admission which loaded keys this tier takes a copy of; {@link Admission#everyKey()} by
 *     default
 * @param refreshAhead how long before a copy stops being fresh a read of it starts one background
 *     refresh (refresh-ahead); zero turns it off
 */
public record Tier(
    String name,
    Duration ttl,
    @Nullable Duration maxAge,
    Duration staleWindow,
    @Nullable TierStore store,
    Admission admission,
    Duration refreshAhead) {

  public Tier {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(staleWindow, "staleWindow");
    Objects.requireNonNull(admission, "admission");
    if (!name.matches("[A-Za-z0-9_-]{1,32}")) {
      throw new IllegalArgumentException(
          "tier name must be 1 to 32 letters, digits, '-' or '_': '" + name + "'");
    }
    requirePositive("ttl of tier " + name, ttl);
    if (maxAge != null) {
      requirePositive("maxAge of tier " + name, maxAge);
    }
    if (staleWindow.isNegative()) {
      throw new IllegalArgumentException(
          "staleWindow of tier " + name + " must not be negative: " + staleWindow);
    }
    Objects.requireNonNull(refreshAhead, "refreshAhead");
    if (refreshAhead.isNegative() || refreshAhead.compareTo(ttl) >= 0) {
      throw new IllegalArgumentException(
          "refreshAhead of tier "
              + name
              + " must be at least 0 and shorter than its ttl ("
              + ttl
              + "): "
              + refreshAhead);
    }
  }

  /** A tier as before refresh-ahead existed: none. */
  public Tier(
      String name,
      Duration ttl,
      @Nullable Duration maxAge,
      Duration staleWindow,
      @Nullable TierStore store,
      Admission admission) {
    this(name, ttl, maxAge, staleWindow, store, admission, Duration.ZERO);
  }

  /** Starts a tier called {@code name} with a TTL of one hour, any age, and no stale window. */
  public static Tier named(String name) {
    return new Tier(
        name, Duration.ofHours(1), null, Duration.ZERO, null, Admission.everyKey(), Duration.ZERO);
  }

  /** Returns a copy of this tier whose copies are fresh for {@code ttl}. */
  public Tier ttl(Duration ttl) {
    return new Tier(name, ttl, maxAge, staleWindow, store, admission, refreshAhead);
  }

  /** Returns a copy of this tier that holds values younger than {@code maxAge}. */
  public Tier maxAge(Duration maxAge) {
    return new Tier(
        name,
        ttl,
        Objects.requireNonNull(maxAge, "maxAge"),
        staleWindow,
        store,
        admission,
        refreshAhead);
  }

  /** Returns a copy of this tier that serves a stale copy for up to {@code staleWindow}. */
  public Tier staleWindow(Duration staleWindow) {
    return new Tier(name, ttl, maxAge, staleWindow, store, admission, refreshAhead);
  }

  /**
   * Returns a copy of this tier that refreshes ahead: a read of a copy that stops being fresh
   * within {@code refreshAhead} is answered with it at once and starts one background refresh (with
   * the load lease on, one for the fleet), so a key read often enough never misses at its expiry.
   * L0 entries of this tier end {@code refreshAhead} before their copy stops being fresh, so every
   * instance asks the remote tier in that window. Shorter than the TTL; zero turns it off (the
   * default).
   */
  public Tier refreshAhead(Duration refreshAhead) {
    return new Tier(name, ttl, maxAge, staleWindow, store, admission, refreshAhead);
  }

  /** Returns a copy of this tier kept on {@code store} rather than on the cache's store. */
  public Tier store(TierStore store) {
    return new Tier(
        name,
        ttl,
        maxAge,
        staleWindow,
        Objects.requireNonNull(store, "store"),
        admission,
        refreshAhead);
  }

  /**
   * Returns a copy of this tier that takes a copy only of the loaded keys {@code admission} admits
   * (see {@link Admission}).
   */
  public Tier admission(Admission admission) {
    return new Tier(
        name,
        ttl,
        maxAge,
        staleWindow,
        store,
        Objects.requireNonNull(admission, "admission"),
        refreshAhead);
  }

  /** Returns the age bound, if any. */
  public Optional<Duration> ageBound() {
    return Optional.ofNullable(maxAge);
  }

  static void requirePositive(String what, Duration value) {
    Objects.requireNonNull(value, what);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(what + " must be positive: " + value);
    }
  }

  @Override
  public String toString() {
    return "Tier["
        + name
        + ", ttl="
        + ttl
        + (maxAge == null ? "" : ", maxAge=" + maxAge)
        + (staleWindow.isZero() ? "" : ", staleWindow=" + staleWindow)
        + (store == null ? "" : ", store=" + store)
        + (admission.admitsEveryKey() ? "" : ", " + admission)
        + (refreshAhead.isZero() ? "" : ", refreshAhead=" + refreshAhead)
        + "]";
  }
}
