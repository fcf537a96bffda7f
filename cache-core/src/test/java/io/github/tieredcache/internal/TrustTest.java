package io.github.tieredcache.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tieredcache.FakeTicker;
import io.github.tieredcache.Freshness;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** When an instance stops and starts trusting its L0 and remote copies, on a fake clock. */
class TrustTest {

  private static final Duration BOUND = Duration.ofSeconds(4);

  private final FakeTicker time = new FakeTicker();
  private final StatsRecorder stats = new StatsRecorder("c", List.of("hot"));
  private final AtomicInteger clears = new AtomicInteger();
  private Trust trust;

  @BeforeEach
  void create() {
    trust = new Trust("c", Freshness.byInvalidation(BOUND), time.clock(), stats);
    trust.clearWith(clears::incrementAndGet);
  }

  private void heartbeatRoundTrip() {
    trust.onOwnHeartbeat();
    trust.tick();
  }

  @Test
  void aFailedRemoteCallStopsTrustAtOnceAndClearsTheL0() {
    assertThat(trust.trustsRemote()).isTrue();

    trust.onRemoteFailure();

    assertThat(trust.trustsRemote()).isFalse();
    assertThat(clears).hasValue(1);
    assertThat(stats.distrustedEpisodes()).isEqualTo(1);
    assertThat(trust.clip(Duration.ofMinutes(1).toNanos())).isEqualTo(BOUND.toNanos());
    assertThat(trust.clip(Duration.ofSeconds(1).toNanos()))
        .as("a shorter lifetime stays")
        .isEqualTo(Duration.ofSeconds(1).toNanos());
  }

  @Test
  void trustReturnsOnlyAfterAWholeBoundWithoutFailureAndWithItsHeartbeatHeardThenClearsOnce() {
    trust.onRemoteFailure();
    time.advance(BOUND.minusMillis(1));
    heartbeatRoundTrip();
    assertThat(trust.trustsRemote()).as("not yet a whole bound").isFalse();

    trust.onRemoteFailure(); // the fault goes on
    time.advance(BOUND.minusMillis(1));
    heartbeatRoundTrip();
    assertThat(trust.trustsRemote()).as("a bound since the last failure is not over").isFalse();

    time.advance(Duration.ofMillis(1));
    heartbeatRoundTrip();
    assertThat(trust.trustsRemote()).isTrue();
    assertThat(clears).as("once on losing trust, once on regaining it").hasValue(2);
    assertThat(trust.clip(Duration.ofMinutes(1).toNanos()))
        .isEqualTo(Duration.ofMinutes(1).toNanos());
  }

  @Test
  void copiesWrittenBeforeTrustReturnedAreNeverServedAgain() {
    assertThat(trust.copiesWrittenSince())
        .as("never distrusted: every copy")
        .isEqualTo(Long.MIN_VALUE);

    trust.onRemoteFailure();
    time.advance(BOUND);
    heartbeatRoundTrip();
    assertThat(trust.trustsRemote()).isTrue();
    long regained = time.clock().millis();

    assertThat(trust.copiesWrittenSince()).isEqualTo(regained);
    time.advance(Duration.ofHours(1));
    heartbeatRoundTrip();
    assertThat(trust.copiesWrittenSince())
        .as("a writer's removal may be replayed later than the bound: older copies stay refused")
        .isEqualTo(regained);
  }

  @Test
  void anOwnHeartbeatNotHeardForHalfTheBoundStopsTrust() {
    heartbeatRoundTrip();
    time.advance(BOUND.dividedBy(2));
    trust.tick();
    assertThat(trust.trustsRemote()).as("exactly half the bound is still on time").isTrue();

    time.advance(Duration.ofMillis(1));
    trust.tick();
    assertThat(trust.trustsRemote()).isFalse();
    assertThat(clears).hasValue(1);
  }

  @Test
  void withoutItsHeartbeatTrustDoesNotReturnEvenWithoutFailures() {
    trust.onRemoteFailure();
    time.advance(BOUND.multipliedBy(3));
    trust.tick();
    assertThat(trust.trustsRemote()).as("its channel is not proven").isFalse();

    heartbeatRoundTrip();
    assertThat(trust.trustsRemote()).isTrue();
  }

  @Test
  void freshnessByTtlNeverStopsTrusting() {
    Trust byTtl = new Trust("c", Freshness.byTtl(), time.clock(), stats);
    byTtl.clearWith(clears::incrementAndGet);
    byTtl.onRemoteFailure();
    time.advance(Duration.ofMinutes(5));
    byTtl.tick();

    assertThat(byTtl.trustsRemote()).isTrue();
    assertThat(clears).hasValue(0);
    assertThat(byTtl.clip(Duration.ofMinutes(1).toNanos()))
        .isEqualTo(Duration.ofMinutes(1).toNanos());
  }
}
