package io.github.tieredcache.redis;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GenerationsTest {

  @Test
  void aCacheNeverClearedReportsThePlainCounter() {
    assertThat(Generations.of(0, 0)).isZero();
    assertThat(Generations.of(0, 17)).isEqualTo(17);
  }

  @Test
  void epochAndCounterRoundTrip() {
    long g = Generations.of(123_456, 4_000_000_000L);
    assertThat(Generations.epoch(g)).isEqualTo(123_456);
    assertThat(Generations.counter(g)).isEqualTo(4_000_000_000L);
    assertThat(g).isPositive();
    assertThat(Generations.inEpoch(g, 123_456)).isTrue();
    assertThat(Generations.inEpoch(g, 123_457)).isFalse();
  }

  @Test
  void theSameCounterInALaterEpochIsAnotherGeneration() {
    assertThat(Generations.of(1, 0)).isNotEqualTo(Generations.of(0, 0));
    assertThat(Generations.inEpoch(Generations.of(0, 0), 1)).isFalse();
  }

  @Test
  void epochsWrapModulo2To31() {
    long max = Generations.EPOCH_MASK;
    assertThat(Generations.inEpoch(Generations.of(max + 1, 5), 0)).isTrue();
    assertThat(Generations.of(max, Generations.COUNTER_MASK)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void countersParseAsRedisWritesThemAndAnythingElseAsZero() {
    assertThat(Generations.parseCounter(null)).isZero();
    assertThat(Generations.parseCounter("42".getBytes(US_ASCII))).isEqualTo(42);
    assertThat(Generations.parseCounter("".getBytes(US_ASCII))).isZero();
    assertThat(Generations.parseCounter("-1".getBytes(US_ASCII))).isZero();
    assertThat(Generations.parseCounter("4x".getBytes(US_ASCII))).isZero();
    assertThat(Generations.parseCounter("99999999999999999999".getBytes(US_ASCII))).isZero();
  }
}
