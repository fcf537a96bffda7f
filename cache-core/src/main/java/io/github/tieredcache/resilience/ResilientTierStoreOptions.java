package io.github.tieredcache.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.tieredcache.spi.ShardUnavailableException;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of a {@link ResilientTierStore}: when its circuit breaker opens, how it probes the
 * store to close again, how long one call may take, and how many failed invalidations it keeps to
 * replay. Immutable and thread-safe; build one with {@link #builder()}.
 *
 * <p>There is no call timeout here: the store owns the time a call may take (a Redis store's
 * command timeout), and a call that times out there fails through the breaker as a failure.
 *
 * <p>The breaker counts the last {@link #slidingWindowSize()} calls. Once at least {@link
 * #minimumNumberOfCalls()} were made, it opens when {@link #failureRateThreshold()} percent of them
 * failed (a timeout is a failure) or {@link #slowCallRateThreshold()} percent took longer than
 * {@link #slowCallDurationThreshold()}. While open every call fails at once with {@code
 * CallNotPermittedException}; after {@link #waitDurationInOpenState()} it lets {@link
 * #permittedCallsInHalfOpenState()} probe calls through, and closes if they succeed.
 */
public final class ResilientTierStoreOptions {

  /** The breaker's name used when none is set: {@code tiered-cache-store}. */
  public static final String DEFAULT_NAME = "tiered-cache-store";

  /** The failure rate, in percent, that opens the breaker when none is set: 50. */
  public static final float DEFAULT_FAILURE_RATE_THRESHOLD = 50f;

  /** The slow-call rate, in percent, that opens the breaker when none is set: 80. */
  public static final float DEFAULT_SLOW_CALL_RATE_THRESHOLD = 80f;

  /**
   * How long a call may take before it counts as slow, when nothing is set: 250 ms. A Redis round
   * trip takes well under a millisecond; a store this slow is better skipped.
   */
  public static final Duration DEFAULT_SLOW_CALL_DURATION_THRESHOLD = Duration.ofMillis(250);

  /** How many recent calls the breaker judges by when nothing is set: 50. */
  public static final int DEFAULT_SLIDING_WINDOW_SIZE = 50;

  /** How many calls the breaker needs before it judges at all when nothing is set: 20. */
  public static final int DEFAULT_MINIMUM_NUMBER_OF_CALLS = 20;

  /**
   * How long the breaker stays open before probing the store when nothing is set: 2 s. A probe
   * costs one cheap call, so a cache recovers its remote tiers soon after the store does.
   */
  public static final Duration DEFAULT_WAIT_DURATION_IN_OPEN_STATE = Duration.ofSeconds(2);

  /** How many probe calls the half-open breaker lets through when nothing is set: 3. */
  public static final int DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE = 3;

  /**
   * How many failed invalidations (keys, plus one per cleared cache) are kept for replay when
   * nothing is set: 10,000. Past it, the whole cache is cleared once the store is back.
   */
  public static final int DEFAULT_BACKLOG_CAPACITY = 10_000;

  /**
   * How long after a failed replay, or a failure while the breaker stays closed, the backlog is
   * replayed again when nothing is set: 1 s.
   */
  public static final Duration DEFAULT_REPLAY_RETRY_INTERVAL = Duration.ofSeconds(1);

  private static final ResilientTierStoreOptions DEFAULTS = builder().build();

  private final String name;
  private final float failureRateThreshold;
  private final float slowCallRateThreshold;
  private final Duration slowCallDurationThreshold;
  private final int slidingWindowSize;
  private final int minimumNumberOfCalls;
  private final Duration waitDurationInOpenState;
  private final int permittedCallsInHalfOpenState;
  private final int backlogCapacity;
  private final Duration replayRetryInterval;

  private ResilientTierStoreOptions(Builder b) {
    this.name = b.name;
    this.failureRateThreshold = b.failureRateThreshold;
    this.slowCallRateThreshold = b.slowCallRateThreshold;
    this.slowCallDurationThreshold = b.slowCallDurationThreshold;
    this.slidingWindowSize = b.slidingWindowSize;
    this.minimumNumberOfCalls = b.minimumNumberOfCalls;
    this.waitDurationInOpenState = b.waitDurationInOpenState;
    this.permittedCallsInHalfOpenState = b.permittedCallsInHalfOpenState;
    this.backlogCapacity = b.backlogCapacity;
    this.replayRetryInterval = b.replayRetryInterval;
  }

  /** Returns the options with every default. */
  public static ResilientTierStoreOptions defaults() {
    return DEFAULTS;
  }

  /** Returns a builder holding every default. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding these options. */
  public Builder toBuilder() {
    return new Builder()
        .name(name)
        .failureRateThreshold(failureRateThreshold)
        .slowCallRateThreshold(slowCallRateThreshold)
        .slowCallDurationThreshold(slowCallDurationThreshold)
        .slidingWindowSize(slidingWindowSize)
        .minimumNumberOfCalls(minimumNumberOfCalls)
        .waitDurationInOpenState(waitDurationInOpenState)
        .permittedCallsInHalfOpenState(permittedCallsInHalfOpenState)
        .backlogCapacity(backlogCapacity)
        .replayRetryInterval(replayRetryInterval);
  }

  /**
   * Returns the resilience4j configuration of the breaker these options describe: a count-based
   * window, automatic transition from open to half-open (so the store is probed even when no call
   * comes), and {@link IllegalArgumentException} (bad input says nothing about the store's health)
   * and {@link ShardUnavailableException} (one shard failing says nothing about the others)
   * ignored. Useful to create the breaker in a {@code CircuitBreakerRegistry}.
   */
  public CircuitBreakerConfig toCircuitBreakerConfig() {
    return CircuitBreakerConfig.custom()
        .slidingWindow(slidingWindowSize, minimumNumberOfCalls, SlidingWindowType.COUNT_BASED)
        .failureRateThreshold(failureRateThreshold)
        .slowCallRateThreshold(slowCallRateThreshold)
        .slowCallDurationThreshold(slowCallDurationThreshold)
        .waitDurationInOpenState(waitDurationInOpenState)
        .permittedNumberOfCallsInHalfOpenState(permittedCallsInHalfOpenState)
        .automaticTransitionFromOpenToHalfOpenEnabled(true)
        .ignoreExceptions(IllegalArgumentException.class, ShardUnavailableException.class)
        .writableStackTraceEnabled(false)
        .build();
  }

  /** Returns the breaker's name (its metric tag). */
  public String name() {
    return name;
  }

  /** Returns the failure rate, in percent, that opens the breaker. */
  public float failureRateThreshold() {
    return failureRateThreshold;
  }

  /** Returns the slow-call rate, in percent, that opens the breaker. */
  public float slowCallRateThreshold() {
    return slowCallRateThreshold;
  }

  /** Returns how long a call may take before it counts as slow. */
  public Duration slowCallDurationThreshold() {
    return slowCallDurationThreshold;
  }

  /** Returns how many recent calls the breaker judges by. */
  public int slidingWindowSize() {
    return slidingWindowSize;
  }

  /** Returns how many calls the breaker needs before it judges. */
  public int minimumNumberOfCalls() {
    return minimumNumberOfCalls;
  }

  /** Returns how long the breaker stays open before probing. */
  public Duration waitDurationInOpenState() {
    return waitDurationInOpenState;
  }

  /** Returns how many probe calls the half-open breaker lets through. */
  public int permittedCallsInHalfOpenState() {
    return permittedCallsInHalfOpenState;
  }

  /** Returns how many failed invalidations are kept for replay. */
  public int backlogCapacity() {
    return backlogCapacity;
  }

  /** Returns how long after a failed replay the backlog is replayed again. */
  public Duration replayRetryInterval() {
    return replayRetryInterval;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResilientTierStoreOptions other
        && name.equals(other.name)
        && failureRateThreshold == other.failureRateThreshold
        && slowCallRateThreshold == other.slowCallRateThreshold
        && slowCallDurationThreshold.equals(other.slowCallDurationThreshold)
        && slidingWindowSize == other.slidingWindowSize
        && minimumNumberOfCalls == other.minimumNumberOfCalls
        && waitDurationInOpenState.equals(other.waitDurationInOpenState)
        && permittedCallsInHalfOpenState == other.permittedCallsInHalfOpenState
        && backlogCapacity == other.backlogCapacity
        && replayRetryInterval.equals(other.replayRetryInterval);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        name,
        failureRateThreshold,
        slowCallRateThreshold,
        slowCallDurationThreshold,
        slidingWindowSize,
        minimumNumberOfCalls,
        waitDurationInOpenState,
        permittedCallsInHalfOpenState,
        backlogCapacity,
        replayRetryInterval);
  }

  @Override
  public String toString() {
    return "ResilientTierStoreOptions[name="
        + name
        + ", failureRateThreshold="
        + failureRateThreshold
        + ", slowCallRateThreshold="
        + slowCallRateThreshold
        + ", slowCallDurationThreshold="
        + slowCallDurationThreshold
        + ", slidingWindowSize="
        + slidingWindowSize
        + ", minimumNumberOfCalls="
        + minimumNumberOfCalls
        + ", waitDurationInOpenState="
        + waitDurationInOpenState
        + ", permittedCallsInHalfOpenState="
        + permittedCallsInHalfOpenState
        + ", backlogCapacity="
        + backlogCapacity
        + ", replayRetryInterval="
        + replayRetryInterval
        + "]";
  }

  /** Builds {@link ResilientTierStoreOptions}; every setter checks its value. Not thread-safe. */
  public static final class Builder {
    private String name = DEFAULT_NAME;
    private float failureRateThreshold = DEFAULT_FAILURE_RATE_THRESHOLD;
    private float slowCallRateThreshold = DEFAULT_SLOW_CALL_RATE_THRESHOLD;
    private Duration slowCallDurationThreshold = DEFAULT_SLOW_CALL_DURATION_THRESHOLD;
    private int slidingWindowSize = DEFAULT_SLIDING_WINDOW_SIZE;
    private int minimumNumberOfCalls = DEFAULT_MINIMUM_NUMBER_OF_CALLS;
    private Duration waitDurationInOpenState = DEFAULT_WAIT_DURATION_IN_OPEN_STATE;
    private int permittedCallsInHalfOpenState = DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE;
    private int backlogCapacity = DEFAULT_BACKLOG_CAPACITY;
    private Duration replayRetryInterval = DEFAULT_REPLAY_RETRY_INTERVAL;

    private Builder() {}

    /** Sets the breaker's name; not blank. */
    public Builder name(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
      this.name = name;
      return this;
    }

    /** Sets the failure rate, in percent (above 0, at most 100), that opens the breaker. */
    public Builder failureRateThreshold(float percent) {
      this.failureRateThreshold = percent("failureRateThreshold", percent);
      return this;
    }

    /** Sets the slow-call rate, in percent (above 0, at most 100), that opens the breaker. */
    public Builder slowCallRateThreshold(float percent) {
      this.slowCallRateThreshold = percent("slowCallRateThreshold", percent);
      return this;
    }

    /** Sets how long a call may take before it counts as slow; positive. */
    public Builder slowCallDurationThreshold(Duration threshold) {
      this.slowCallDurationThreshold = positive("slowCallDurationThreshold", threshold);
      return this;
    }

    /** Sets how many recent calls the breaker judges by; positive. */
    public Builder slidingWindowSize(int calls) {
      this.slidingWindowSize = positive("slidingWindowSize", calls);
      return this;
    }

    /** Sets how many calls the breaker needs before it judges; positive. */
    public Builder minimumNumberOfCalls(int calls) {
      this.minimumNumberOfCalls = positive("minimumNumberOfCalls", calls);
      return this;
    }

    /** Sets how long the breaker stays open before probing; positive. */
    public Builder waitDurationInOpenState(Duration wait) {
      this.waitDurationInOpenState = positive("waitDurationInOpenState", wait);
      return this;
    }

    /** Sets how many probe calls the half-open breaker lets through; positive. */
    public Builder permittedCallsInHalfOpenState(int calls) {
      this.permittedCallsInHalfOpenState = positive("permittedCallsInHalfOpenState", calls);
      return this;
    }

    /** Sets how many failed invalidations are kept for replay; positive. */
    public Builder backlogCapacity(int entries) {
      this.backlogCapacity = positive("backlogCapacity", entries);
      return this;
    }

    /** Sets how long after a failed replay the backlog is replayed again; positive. */
    public Builder replayRetryInterval(Duration interval) {
      this.replayRetryInterval = positive("replayRetryInterval", interval);
      return this;
    }

    /** Returns the options. */
    public ResilientTierStoreOptions build() {
      return new ResilientTierStoreOptions(this);
    }

    private static float percent(String name, float value) {
      if (!(value > 0f && value <= 100f)) {
        throw new IllegalArgumentException(name + " must be above 0 and at most 100: " + value);
      }
      return value;
    }

    private static int positive(String name, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be positive: " + value);
      }
      return value;
    }

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + value);
      }
      return value;
    }
  }
}
