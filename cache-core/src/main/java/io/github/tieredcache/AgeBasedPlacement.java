package io.github.tieredcache;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Function;

/**
 * Places a value in the first tier whose age bound exceeds the value's age; values of unknown age,
 * and values older than every bound, go to the last tier. A value dated in the future counts as age
 * zero.
 */
public final class AgeBasedPlacement<K, V> implements Placement<K, V> {

  private final Function<? super V, Instant> ageOf;

  /** Creates a placement that reads each value's creation instant with {@code ageOf}. */
  public AgeBasedPlacement(Function<? super V, Instant> ageOf) {
    this.ageOf = Objects.requireNonNull(ageOf, "ageOf");
  }

  @Override
  public int place(K key, V value, Tiers tiers, Instant now) {
    Instant created = ageOf.apply(value);
    int last = tiers.size() - 1;
    if (created == null) {
      return last;
    }
    Duration age = created.isAfter(now) ? Duration.ZERO : Duration.between(created, now);
    for (int i = 0; i < last; i++) {
      Duration bound = tiers.get(i).maxAge();
      if (bound != null && age.compareTo(bound) < 0) {
        return i;
      }
    }
    return last;
  }
}
