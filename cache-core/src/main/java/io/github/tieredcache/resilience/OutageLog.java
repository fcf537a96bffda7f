package io.github.tieredcache.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * What a breaker's state changes say in the log: one WARN when an outage begins (the breaker opens
 * from closed), one INFO when it ends (the breaker closes again) with its length and the number of
 * probes it took, and everything in between (open, half-open, open again: a probe every few seconds
 * for as long as Redis is down) at DEBUG. Changes made by hand (disabled, forced open, metrics
 * only) are INFO.
 *
 * <p>Thread-safe.
 */
final class OutageLog {

  private static final Logger log = LoggerFactory.getLogger(ResilientTierStore.class);

  /** What one state change logs. */
  record Line(Level level, String message) {}

  private final String breakerName;
  private final LongSupplier nanoTime;
  private long outageStartedAt;
  private boolean inOutage;
  private int probes;

  OutageLog(String breakerName, LongSupplier nanoTime) {
    this.breakerName = breakerName;
    this.nanoTime = nanoTime;
  }

  /** Logs the change from {@code from} to {@code to}. */
  void onTransition(State from, State to) {
    Line line = lineFor(from, to);
    log.atLevel(line.level()).log(line.message());
  }

  /** Returns what the change from {@code from} to {@code to} logs, and at which level. */
  synchronized Line lineFor(State from, State to) {
    String prefix = "Tier store circuit breaker '" + breakerName + "': ";
    if (to == State.OPEN && !inOutage) {
      inOutage = true;
      outageStartedAt = nanoTime.getAsLong();
      probes = 0;
      return new Line(
          Level.WARN,
          prefix
              + from
              + " -> OPEN: the store fails or is slow, so reads are answered from the L0 and the"
              + " loader, and writes and invalidations wait in the backlog; it is probed until it"
              + " answers (probes at DEBUG, one line when it closes)");
    }
    if (to == State.HALF_OPEN && inOutage) {
      probes++;
      return new Line(Level.DEBUG, prefix + from + " -> HALF_OPEN (probe " + probes + ")");
    }
    if (to == State.OPEN) {
      return new Line(Level.DEBUG, prefix + from + " -> OPEN (the probe failed)");
    }
    if (to == State.CLOSED && inOutage) {
      inOutage = false;
      Duration lasted = Duration.ofNanos(nanoTime.getAsLong() - outageStartedAt);
      return new Line(
          Level.INFO,
          prefix
              + from
              + " -> CLOSED: the store answers again after "
              + text(lasted)
              + " ("
              + probes
              + (probes == 1 ? " probe" : " probes")
              + ")");
    }
    return new Line(Level.INFO, prefix + from + " -> " + to);
  }

  private static String text(Duration d) {
    long millis = d.toMillis();
    return millis < 10_000 ? millis + " ms" : (millis / 1000) + " s";
  }
}
