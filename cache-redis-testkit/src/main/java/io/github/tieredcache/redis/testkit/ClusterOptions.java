package io.github.tieredcache.redis.testkit;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link LocalRedisCluster} is laid out and how long it may take. Immutable; made with {@link
 * #builder()}, or {@link #defaults()} for 3 primaries with 1 replica each.
 */
public final class ClusterOptions {

  /** Default number of primaries: 3, the smallest cluster that survives losing one primary. */
  public static final int DEFAULT_PRIMARIES = 3;

  /** Default number of replicas per primary: 1. */
  public static final int DEFAULT_REPLICAS_PER_PRIMARY = 1;

  /** Default {@code cluster-node-timeout}: 2 s, so a killed primary is replaced in about 4–5 s. */
  public static final Duration DEFAULT_NODE_TIMEOUT = Duration.ofSeconds(2);

  /**
   * Default limit for starting the cluster, restarting a node, and {@link
   * LocalRedisCluster#startAll()}.
   */
  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);

  private static final ClusterOptions DEFAULTS = builder().build();

  private final int primaries;
  private final int replicasPerPrimary;
  private final Duration nodeTimeout;
  private final Duration startupTimeout;
  private final boolean requireFullCoverage;

  private ClusterOptions(Builder b) {
    this.primaries = b.primaries;
    this.replicasPerPrimary = b.replicasPerPrimary;
    this.nodeTimeout = b.nodeTimeout;
    this.startupTimeout = b.startupTimeout;
    this.requireFullCoverage = b.requireFullCoverage;
  }

  /**
   * Returns the default options: 3 primaries, 1 replica each, 2 s node timeout, 60 s startup
   * timeout.
   */
  public static ClusterOptions defaults() {
    return DEFAULTS;
  }

  /** Returns a builder preset with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder preset with these options. */
  public Builder toBuilder() {
    return new Builder()
        .primaries(primaries)
        .replicasPerPrimary(replicasPerPrimary)
        .nodeTimeout(nodeTimeout)
        .startupTimeout(startupTimeout)
        .requireFullCoverage(requireFullCoverage);
  }

  /** Returns the number of primaries, each serving an equal share of the 16384 slots. */
  public int primaries() {
    return primaries;
  }

  /** Returns the number of replicas each primary gets. */
  public int replicasPerPrimary() {
    return replicasPerPrimary;
  }

  /** Returns the total number of nodes: primaries plus their replicas. */
  public int nodeCount() {
    return primaries * (1 + replicasPerPrimary);
  }

  /** Returns the {@code cluster-node-timeout} every node runs with. */
  public Duration nodeTimeout() {
    return nodeTimeout;
  }

  /** Returns how long starting the cluster, or restarting its nodes, may take before it fails. */
  public Duration startupTimeout() {
    return startupTimeout;
  }

  /**
   * Returns the nodes' {@code cluster-require-full-coverage}: when {@code true} (Redis's default)
   * every node refuses every command with {@code CLUSTERDOWN} from the moment the cluster flags a
   * failed primary until its replica takes over; when {@code false} the other primaries keep
   * serving their own slots meanwhile.
   */
  public boolean requireFullCoverage() {
    return requireFullCoverage;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ClusterOptions other
        && primaries == other.primaries
        && replicasPerPrimary == other.replicasPerPrimary
        && nodeTimeout.equals(other.nodeTimeout)
        && startupTimeout.equals(other.startupTimeout)
        && requireFullCoverage == other.requireFullCoverage;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        primaries, replicasPerPrimary, nodeTimeout, startupTimeout, requireFullCoverage);
  }

  @Override
  public String toString() {
    return "ClusterOptions{primaries="
        + primaries
        + ", replicasPerPrimary="
        + replicasPerPrimary
        + ", nodeTimeout="
        + nodeTimeout
        + ", startupTimeout="
        + startupTimeout
        + ", requireFullCoverage="
        + requireFullCoverage
        + '}';
  }

  /** Builds {@link ClusterOptions}; not thread-safe. */
  public static final class Builder {
    private int primaries = DEFAULT_PRIMARIES;
    private int replicasPerPrimary = DEFAULT_REPLICAS_PER_PRIMARY;
    private Duration nodeTimeout = DEFAULT_NODE_TIMEOUT;
    private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
    private boolean requireFullCoverage = true;

    private Builder() {}

    /** Sets the number of primaries, at least 1. */
    public Builder primaries(int primaries) {
      if (primaries < 1) {
        throw new IllegalArgumentException("primaries must be at least 1, was " + primaries);
      }
      this.primaries = primaries;
      return this;
    }

    /** Sets the number of replicas per primary, at least 0. */
    public Builder replicasPerPrimary(int replicasPerPrimary) {
      if (replicasPerPrimary < 0) {
        throw new IllegalArgumentException(
            "replicasPerPrimary must not be negative, was " + replicasPerPrimary);
      }
      this.replicasPerPrimary = replicasPerPrimary;
      return this;
    }

    /** Sets the {@code cluster-node-timeout}, at least 100 ms. */
    public Builder nodeTimeout(Duration nodeTimeout) {
      if (nodeTimeout.toMillis() < 100) {
        throw new IllegalArgumentException(
            "nodeTimeout must be at least 100 ms, was " + nodeTimeout);
      }
      this.nodeTimeout = nodeTimeout;
      return this;
    }

    /** Sets how long starting or restarting may take, more than zero. */
    public Builder startupTimeout(Duration startupTimeout) {
      if (startupTimeout.isNegative() || startupTimeout.isZero()) {
        throw new IllegalArgumentException(
            "startupTimeout must be positive, was " + startupTimeout);
      }
      this.startupTimeout = startupTimeout;
      return this;
    }

    /**
     * Sets {@code cluster-require-full-coverage}; see {@link ClusterOptions#requireFullCoverage()}.
     */
    public Builder requireFullCoverage(boolean requireFullCoverage) {
      this.requireFullCoverage = requireFullCoverage;
      return this;
    }

    /** Returns the options. */
    public ClusterOptions build() {
      return new ClusterOptions(this);
    }
  }
}
