package io.github.tieredcache.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The trace has the shape issue 11 describes, and a seed gives the same trace twice. */
class PostTraceTest {

  private static final Instant START = Instant.parse("2026-01-05T00:00:00Z");
  private static final long HOUR = Duration.ofHours(1).toMillis();

  @Test
  void readsFollowTheAgeMixAndPostsArriveAtTheirRate() {
    PostTrace trace = new PostTrace(PostTrace.Shape.issue(), START);
    assertThat(trace.newest(HOUR) - trace.newest(0)).isEqualTo(2_000);
    assertThat(trace.createdAt(trace.newest(HOUR))).isBeforeOrEqualTo(START.plusMillis(HOUR));
    int young = 0;
    int hours = 0;
    int n = 200_000;
    long now = 5 * HOUR;
    for (int i = 0; i < n; i++) {
      long id = trace.nextRead(now);
      Duration age = Duration.between(trace.createdAt(id), START.plusMillis(now));
      assertThat(age.isNegative()).isFalse();
      if (age.compareTo(Duration.ofHours(1)) < 0) {
        young++;
      } else if (age.compareTo(Duration.ofHours(24)) < 0) {
        hours++;
      } else {
        assertThat(age).isLessThanOrEqualTo(Duration.ofDays(31));
      }
    }
    assertThat((double) young / n).isCloseTo(0.70, within(0.01));
    assertThat((double) hours / n).isCloseTo(0.20, within(0.01));
  }

  @Test
  void aPostGetsAbout26EditsInItsFirstHourAndStalenessIsTheAgeOfTheFirstMissedEdit() {
    PostTrace trace = new PostTrace(PostTrace.Shape.issue(), START);
    long[] edited = new long[16];
    long edits = 0;
    long step = trace.readStepNanos() / 1_000_000;
    for (long now = 0; now < 3 * HOUR; now += step) {
      edits += trace.editsDue(now, edited);
    }
    assertThat(edits / 3.0 / 2_000).isCloseTo(26, within(0.5));

    long id = trace.newest(3 * HOUR);
    long before = trace.version(id);
    assertThat(trace.staleness(id, before, 3 * HOUR)).isZero();
    long first = -1;
    long second = -1;
    for (long now = 3 * HOUR; second < 0 && now < 4 * HOUR; now += step) {
      int n = trace.editsDue(now, edited);
      for (int i = 0; i < n; i++) {
        if (edited[i] == id) {
          if (first < 0) {
            first = now;
          } else if (second < 0) {
            second = now;
          }
        }
      }
    }
    assertThat(second).as("the newest post was edited twice within its first hour").isPositive();
    long later = second + 10_000;
    assertThat(trace.version(id)).isGreaterThanOrEqualTo(before + 2);
    assertThat(trace.staleness(id, before, later)).isEqualTo(later - first);
    assertThat(trace.staleness(id, before + 1, later)).isEqualTo(later - second);
    assertThat(trace.updatedAt(id)).isAfterOrEqualTo(START.plusMillis(second));
  }

  @Test
  void theSameSeedGivesTheSameTrace() {
    PostTrace a = new PostTrace(PostTrace.Shape.issue(), START);
    PostTrace b = new PostTrace(PostTrace.Shape.issue(), START);
    long[] ea = new long[16];
    long[] eb = new long[16];
    for (long now = 0; now < HOUR; now += 5) {
      assertThat(a.nextRead(now)).isEqualTo(b.nextRead(now));
      int n = a.editsDue(now, ea);
      assertThat(b.editsDue(now, eb)).isEqualTo(n);
      for (int i = 0; i < n; i++) {
        assertThat(ea[i]).isEqualTo(eb[i]);
      }
    }
  }
}
