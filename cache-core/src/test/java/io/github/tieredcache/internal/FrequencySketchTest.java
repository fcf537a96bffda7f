package io.github.tieredcache.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FrequencySketchTest {

  @Test
  void countsRequestsUpToFifteen() {
    FrequencySketch sketch = new FrequencySketch(1_000);
    assertThat(sketch.frequency(42)).isZero();
    assertThat(sketch.increment(42)).isEqualTo(1);
    assertThat(sketch.increment(42)).isEqualTo(2);
    for (int i = 0; i < 20; i++) {
      sketch.increment(42);
    }
    assertThat(sketch.frequency(42)).isEqualTo(15);
  }

  @Test
  void neverUnderestimatesAndRarelyConfusesKeys() {
    FrequencySketch sketch = new FrequencySketch(10_000);
    for (long key = 0; key < 5_000; key++) {
      sketch.increment(key * 0x9E3779B97F4A7C15L);
    }
    int overestimated = 0;
    for (long key = 0; key < 5_000; key++) {
      int f = sketch.frequency(key * 0x9E3779B97F4A7C15L);
      assertThat(f).isGreaterThanOrEqualTo(1);
      if (f > 1) {
        overestimated++;
      }
    }
    assertThat(overestimated).as("keys seen once counted as repeats").isLessThan(250);
  }

  @Test
  void halvesEveryCounterAfterTenTimesItsWidth() {
    FrequencySketch sketch = new FrequencySketch(1_000); // 1,024 columns: halved after 10,240
    for (int i = 0; i < 8; i++) {
      sketch.increment(7);
    }
    assertThat(sketch.frequency(7)).isEqualTo(8);
    // Ten other keys, asked for until the additions reach 10,240 in all.
    for (int i = 8; i < 10_240; i++) {
      sketch.increment(1_000_003L * (i % 10 + 1));
    }
    assertThat(sketch.frequency(7)).as("8 halved").isEqualTo(4);
    assertThat(sketch.frequency(1_000_003L)).as("15 halved").isEqualTo(7);
  }

  @Test
  void twoBytesPerColumn() {
    assertThat(new FrequencySketch(1_000).bytes()).isEqualTo(2 * 1_024);
    assertThat(new FrequencySketch(1).bytes()).isEqualTo(2 * 16);
  }
}
