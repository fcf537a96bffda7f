package io.github.tieredcache;

import java.time.Instant;
import java.util.Objects;
import java.util.function.Function;

/**
 * Picks the tier a loaded or put value is written to.
 *
 * <p>Implementations are pure functions of their arguments and thread-safe.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface Placement<K, V> {

  /**
   * Returns the index, in {@code tiers}, of the tier {@code value} goes to.
   *
   * @param key the key
   * @param value the value, never {@code null}
   * @param tiers the cache's tiers
   * @param now the current instant
   */
  int place(K key, V value, Tiers tiers, Instant now);

  /**
   * Places by age: a value goes to the first tier whose {@link Tier#maxAge()} exceeds its age, or
   * to the last tier. {@code ageOf} gives the instant the value was created (for example a post's
   * {@code createdAt}); a {@code null} instant places the value in the last tier.
   */
  static <K, V> Placement<K, V> byAge(Function<? super V, Instant> ageOf) {
    return new AgeBasedPlacement<>(ageOf);
  }

  /** Places every value in the tier called {@code tierName}. */
  static <K, V> Placement<K, V> fixed(String tierName) {
    Objects.requireNonNull(tierName, "tierName");
    return (key, value, tiers, now) -> tiers.indexOf(tierName);
  }
}
