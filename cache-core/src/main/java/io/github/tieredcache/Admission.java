package io.github.tieredcache;

/**
 * Which loaded keys a tier takes a copy of.
 *
 * <p>{@link #everyKey()} (the default) writes every loaded value to the tier it is placed in.
 * {@link #onSecondRequest(long)} writes it only when the key was asked for before, recently: a key
 * read once (most of a long tail) then costs the database one read and Redis nothing, while a key
 * read twice gets its copy on the second miss. "Recently" is a frequency sketch of the keys' misses
 * (count-min, 4 rows of 4-bit counters, as Caffeine's TinyLFU keeps), every counter halved after
 * ten times as many misses as the sketch has columns, so old requests fade; its memory is 2 bytes
 * per expected key, reported as {@code CacheStats.admissionSketchBytes}. A key the sketch mistakes
 * for a repeat (a hash collision) is admitted: the error only ever admits, never refuses twice.
 *
 * <p>Refusals are counted ({@code CacheStats.admissionsRefused}); the value is still returned and
 * kept in the L0. Immutable.
 */
public final class Admission {

  private static final Admission EVERY_KEY = new Admission(0);

  private final long expectedKeys;

  private Admission(long expectedKeys) {
    this.expectedKeys = expectedKeys;
  }

  /** Every loaded value is written to its tier. */
  public static Admission everyKey() {
    return EVERY_KEY;
  }

  /**
   * A loaded value is written to its tier only on its key's second miss within the sketch's memory,
   * sized for {@code expectedKeys} distinct keys missing in that time (2 bytes each).
   *
   * @throws IllegalArgumentException if {@code expectedKeys} is not between 1 and 2^24
   */
  public static Admission onSecondRequest(long expectedKeys) {
    if (expectedKeys < 1 || expectedKeys > (1L << 24)) {
      throw new IllegalArgumentException(
          "expectedKeys of Admission.onSecondRequest must be between 1 and 2^24: " + expectedKeys);
    }
    return new Admission(expectedKeys);
  }

  /** Whether every key is admitted. */
  public boolean admitsEveryKey() {
    return expectedKeys == 0;
  }

  /** The distinct keys the sketch is sized for; 0 for {@link #everyKey()}. */
  public long expectedKeys() {
    return expectedKeys;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Admission a && a.expectedKeys == expectedKeys;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(expectedKeys);
  }

  @Override
  public String toString() {
    return admitsEveryKey()
        ? "Admission[every key]"
        : "Admission[second request, " + expectedKeys + " keys]";
  }
}
