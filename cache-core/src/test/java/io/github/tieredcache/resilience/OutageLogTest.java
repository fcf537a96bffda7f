package io.github.tieredcache.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.github.tieredcache.resilience.OutageLog.Line;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** An outage logs one WARN when it begins and one INFO when it ends; the probes between, DEBUG. */
class OutageLogTest {

  private final AtomicLong now = new AtomicLong();
  private final OutageLog log = new OutageLog("tiered-cache-default", now::get);

  @Test
  void aLongOutageWithManyProbesLogsOneWarnAndOneInfo() {
    List<Line> lines = new ArrayList<>();
    lines.add(log.lineFor(State.CLOSED, State.OPEN));
    for (int probe = 0; probe < 30; probe++) { // 60 s of probes every 2 s, each failing
      now.addAndGet(TimeUnit.SECONDS.toNanos(2));
      lines.add(log.lineFor(State.OPEN, State.HALF_OPEN));
      lines.add(log.lineFor(State.HALF_OPEN, State.OPEN));
    }
    now.addAndGet(TimeUnit.SECONDS.toNanos(2));
    lines.add(log.lineFor(State.OPEN, State.HALF_OPEN));
    lines.add(log.lineFor(State.HALF_OPEN, State.CLOSED));

    assertThat(lines).filteredOn(l -> l.level() == Level.WARN).hasSize(1);
    assertThat(lines).filteredOn(l -> l.level() == Level.INFO).hasSize(1);
    assertThat(lines.get(0).message())
        .contains("'tiered-cache-default'", "CLOSED -> OPEN", "L0 and the loader");
    assertThat(lines.get(lines.size() - 1))
        .returns(Level.INFO, Line::level)
        .extracting(Line::message)
        .asString()
        .contains("HALF_OPEN -> CLOSED", "after 62 s", "31 probes");
  }

  @Test
  void theNextOutageIsLoggedAgain() {
    log.lineFor(State.CLOSED, State.OPEN);
    log.lineFor(State.OPEN, State.HALF_OPEN);
    assertThat(log.lineFor(State.HALF_OPEN, State.CLOSED).level()).isEqualTo(Level.INFO);

    assertThat(log.lineFor(State.CLOSED, State.OPEN).level()).isEqualTo(Level.WARN);
  }

  @Test
  void changesMadeByHandAreInfo() {
    assertThat(log.lineFor(State.CLOSED, State.FORCED_OPEN).level()).isEqualTo(Level.INFO);
    assertThat(log.lineFor(State.FORCED_OPEN, State.DISABLED).level()).isEqualTo(Level.INFO);
  }
}
