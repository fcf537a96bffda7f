package io.github.tieredcache.spring.boot.actuate;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.tieredcache.spring.boot.store.NamedTierStore;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The health of one tier store: whether it answers (asked directly, past its circuit breaker) and
 * the breaker's state.
 *
 * <p>A cluster whose primaries fail in part lists them as {@code failingPrimaries} (their keys go
 * to the loader, the others are served), and stays UP.
 *
 * <p>A store that does not answer, or whose breaker is open, is reported DOWN only when {@code
 * downWhenUnreachable} is set; otherwise it is UP with {@code reachable=false} in the details,
 * since the caches keep answering from the L0 and the loaders without it.
 */
public class TierStoreHealthIndicator implements HealthIndicator {

  private final NamedTierStore store;
  private final boolean downWhenUnreachable;
  private final Duration timeout;

  /**
   * Creates an indicator.
   *
   * @param store the store
   * @param downWhenUnreachable whether an unreachable store reports DOWN
   * @param timeout how long to wait for the store to answer
   */
  public TierStoreHealthIndicator(
      NamedTierStore store, boolean downWhenUnreachable, Duration timeout) {
    this.store = Objects.requireNonNull(store, "store");
    this.downWhenUnreachable = downWhenUnreachable;
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  @Override
  public Health health() {
    Health.Builder health = new Health.Builder().withDetail("store", store.description());
    boolean reachable = probe(health);
    health.withDetail("reachable", reachable);
    boolean open = false;
    CircuitBreaker breaker = store.circuitBreaker();
    if (breaker != null) {
      CircuitBreaker.State state = breaker.getState();
      open = state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN;
      health.withDetail("circuitBreaker", state.name());
      health.withDetail("failureRate", breaker.getMetrics().getFailureRate());
      health.withDetail("slowCallRate", breaker.getMetrics().getSlowCallRate());
      health.withDetail("notPermittedCalls", breaker.getMetrics().getNumberOfNotPermittedCalls());
    }
    List<String> failing = store.failingParts().get();
    if (!failing.isEmpty()) {
      // Only those primaries' keys go to the loader; the store serves the rest, so still UP.
      health.withDetail("failingPrimaries", failing);
    }
    boolean down = downWhenUnreachable && (!reachable || open);
    return health.status(down ? Status.DOWN : Status.UP).build();
  }

  private boolean probe(Health.Builder health) {
    try {
      store.probe().get().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      health.withDetail("error", "no answer within " + timeout);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      health.withDetail("error", cause.getClass().getName() + ": " + cause.getMessage());
      String problem = problemOf(cause);
      if (problem != null) {
        health.withDetail("problem", problem);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      health.withDetail("error", "interrupted");
    } catch (RuntimeException e) {
      health.withDetail("error", e.getClass().getName() + ": " + e.getMessage());
    }
    return false;
  }

  /**
   * Names a failure that is not the network's, so that health says what to fix: an authentication
   * or a TLS failure, found by the class the Redis store gives it, anywhere in the causes.
   */
  static @Nullable String problemOf(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String name = t.getClass().getName();
      if (name.equals("io.github.tieredcache.redis.RedisAuthenticationException")) {
        return "authentication failed: the server refused the username or password"
            + " (tiered-cache.redis.username/password, or spring.data.redis.*)";
      }
      if (name.equals("io.github.tieredcache.redis.RedisTlsException")) {
        return "TLS failed: check tiered-cache.redis.ssl.* against the server's certificate";
      }
    }
    return null;
  }
}
