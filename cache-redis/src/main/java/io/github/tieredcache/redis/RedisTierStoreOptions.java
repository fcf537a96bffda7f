package io.github.tieredcache.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The settings of a {@link RedisTierStore}: how its keys are named, how long it waits, how it
 * follows the cluster's topology, and how it authenticates. Immutable and thread-safe; build one
 * with {@link #builder()} or change one with {@link #toBuilder()}.
 *
 * <p>The connection settings ({@link #commandTimeout()}, {@link #connectTimeout()}, the topology
 * refresh, {@link #requestQueueSize()}, {@link #maxReconnectDelay()}, the credentials, TLS, the
 * client name) apply to clients the store creates. A store given a client of the caller's uses that
 * client's own options and URIs unchanged.
 */
public final class RedisTierStoreOptions {

  /** The key prefix used when none is set: {@code tc}. */
  public static final String DEFAULT_KEY_PREFIX = "tc";

  /**
   * The command timeout used when none is set: 500 ms. A cache call that waits longer for Redis is
   * better answered by the loader; Lettuce's own default is 60 s.
   */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(500);

  /** The connect timeout used when none is set: 2 s (Lettuce's default is 10 s). */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);

  /**
   * The periodic topology refresh used when none is set: 10 s. Timeouts alone never trigger an
   * adaptive refresh (lettuce-core #1976), so without a periodic refresh a hung primary that was
   * replaced by failover would stay in the routing table.
   */
  public static final Duration DEFAULT_TOPOLOGY_REFRESH_PERIOD = Duration.ofSeconds(10);

  /**
   * The least time between two adaptive topology refreshes used when none is set: 1 s (Lettuce's
   * default is 30 s, which would hide a failover that completes a few seconds after the first
   * reconnect failure).
   */
  public static final Duration DEFAULT_ADAPTIVE_REFRESH_MIN_INTERVAL = Duration.ofSeconds(1);

  /** The bound of each connection's request queue used when none is set: 10,000 commands. */
  public static final int DEFAULT_REQUEST_QUEUE_SIZE = 10_000;

  /**
   * The longest wait between two reconnect attempts used when none is set: 1 s. Applies to client
   * resources the store creates.
   */
  public static final Duration DEFAULT_MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

  /**
   * How often the store rereads the epoch of each cache it has used, when nothing else is set: 30
   * s. Every invalidation message and heartbeat carries its sender's epoch, so a {@code clear} made
   * by another instance is heard with the next message of any instance that knows it; this reread
   * is the safety net when none comes (freshness by TTL sends no heartbeats), and bounds how long a
   * clear goes unnoticed here then. One {@code GET} per cache and instance per interval.
   */
  public static final Duration DEFAULT_EPOCH_REFRESH_INTERVAL = Duration.ofSeconds(30);

  /**
   * How far this host's clock may run behind Redis's before its writes are refused as late, when
   * nothing is set: 500 ms. A write carries a deadline of now plus the command timeout plus this
   * allowance, which Redis checks against its own clock (see {@link RedisTierStore}).
   */
  public static final Duration DEFAULT_CLOCK_SKEW_ALLOWANCE = Duration.ofMillis(500);

  /** The client name ({@code CLIENT SETNAME}) used when none is set: {@code tiered-cache}. */
  public static final String DEFAULT_CLIENT_NAME = "tiered-cache";

  private static final RedisTierStoreOptions DEFAULTS = new Builder().build();

  private final String keyPrefix;
  private final Duration commandTimeout;
  private final Duration connectTimeout;
  private final Duration topologyRefreshPeriod;
  private final Duration adaptiveRefreshMinInterval;
  private final int requestQueueSize;
  private final Duration maxReconnectDelay;
  private final Duration epochRefreshInterval;
  private final Duration clockSkewAllowance;
  private final @Nullable String clientName;
  private final @Nullable String username;
  private final char @Nullable [] password;
  private final boolean tls;
  private final boolean verifyPeer;

  private RedisTierStoreOptions(Builder b) {
    this.keyPrefix = KeyLayout.checkPrefix(b.keyPrefix);
    this.commandTimeout = positive("commandTimeout", b.commandTimeout);
    this.connectTimeout = positive("connectTimeout", b.connectTimeout);
    this.topologyRefreshPeriod = positive("topologyRefreshPeriod", b.topologyRefreshPeriod);
    this.adaptiveRefreshMinInterval =
        positive("adaptiveRefreshMinInterval", b.adaptiveRefreshMinInterval);
    if (b.requestQueueSize < 1) {
      throw new IllegalArgumentException(
          "requestQueueSize must be positive: " + b.requestQueueSize);
    }
    this.requestQueueSize = b.requestQueueSize;
    this.maxReconnectDelay = positive("maxReconnectDelay", b.maxReconnectDelay);
    this.epochRefreshInterval = positive("epochRefreshInterval", b.epochRefreshInterval);
    this.clockSkewAllowance = notNegative("clockSkewAllowance", b.clockSkewAllowance);
    this.clientName = b.clientName;
    if (b.password != null && b.username == null && b.password.length == 0) {
      throw new IllegalArgumentException("password must not be empty");
    }
    this.username = b.username;
    this.password = b.password == null ? null : b.password.clone();
    this.tls = b.tls;
    this.verifyPeer = b.verifyPeer;
  }

  /** Returns the options with every default. */
  public static RedisTierStoreOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Returns the Lettuce options a store applies to a standalone client it creates: commands time
   * out after {@link #commandTimeout()}, and while disconnected are rejected rather than queued
   * without bound. A framework that creates the client itself applies these to behave the same.
   */
  public ClientOptions toClientOptions() {
    return ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .requestQueueSize(requestQueueSize())
        .timeoutOptions(timeoutOptions())
        .socketOptions(socketOptions())
        .build();
  }

  /**
   * Returns the Lettuce options a store applies to a cluster client it creates: those of {@link
   * #toClientOptions()}, plus periodic and adaptive topology refresh (timeouts alone never trigger
   * one, lettuce-core #1976), and no routing to nodes the cluster marks failed.
   */
  public ClusterClientOptions toClusterClientOptions() {
    return ClusterClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .requestQueueSize(requestQueueSize())
        .timeoutOptions(timeoutOptions())
        .socketOptions(socketOptions())
        .topologyRefreshOptions(
            ClusterTopologyRefreshOptions.builder()
                .enablePeriodicRefresh(topologyRefreshPeriod())
                .enableAllAdaptiveRefreshTriggers()
                .adaptiveRefreshTriggersTimeout(adaptiveRefreshMinInterval())
                .build())
        .nodeFilter(
            node ->
                !(node.is(NodeFlag.FAIL)
                    || node.is(NodeFlag.EVENTUAL_FAIL)
                    || node.is(NodeFlag.NOADDR)))
        .build();
  }

  private TimeoutOptions timeoutOptions() {
    return TimeoutOptions.builder().timeoutCommands(true).fixedTimeout(commandTimeout()).build();
  }

  private SocketOptions socketOptions() {
    return SocketOptions.builder().connectTimeout(connectTimeout()).keepAlive(true).build();
  }

  /** Returns a builder holding every default. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.keyPrefix = keyPrefix;
    b.commandTimeout = commandTimeout;
    b.connectTimeout = connectTimeout;
    b.topologyRefreshPeriod = topologyRefreshPeriod;
    b.adaptiveRefreshMinInterval = adaptiveRefreshMinInterval;
    b.requestQueueSize = requestQueueSize;
    b.maxReconnectDelay = maxReconnectDelay;
    b.epochRefreshInterval = epochRefreshInterval;
    b.clockSkewAllowance = clockSkewAllowance;
    b.clientName = clientName;
    b.username = username;
    b.password = password == null ? null : password.clone();
    b.tls = tls;
    b.verifyPeer = verifyPeer;
    return b;
  }

  /** Returns the prefix of every key and channel the store uses; default {@code tc}. */
  public String keyPrefix() {
    return keyPrefix;
  }

  /** Returns how long a command may take before it fails; default 500 ms. */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  /** Returns how long a connection attempt may take; default 2 s. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Returns the period of the cluster topology refresh; default 10 s. */
  public Duration topologyRefreshPeriod() {
    return topologyRefreshPeriod;
  }

  /** Returns the least time between two adaptive topology refreshes; default 1 s. */
  public Duration adaptiveRefreshMinInterval() {
    return adaptiveRefreshMinInterval;
  }

  /** Returns the bound of each connection's request queue; default 10,000. */
  public int requestQueueSize() {
    return requestQueueSize;
  }

  /** Returns the longest wait between two reconnect attempts; default 1 s. */
  public Duration maxReconnectDelay() {
    return maxReconnectDelay;
  }

  /** Returns how often the epoch of each cache in use is reread; default 1 s. */
  public Duration epochRefreshInterval() {
    return epochRefreshInterval;
  }

  /**
   * Returns how far this host's clock may run behind Redis's before its writes are refused as late;
   * default 500 ms.
   */
  public Duration clockSkewAllowance() {
    return clockSkewAllowance;
  }

  /** Returns the client name set on every connection, or {@code null} for none. */
  public @Nullable String clientName() {
    return clientName;
  }

  /** Returns the ACL user name, or {@code null} for the default user. */
  public @Nullable String username() {
    return username;
  }

  /** Returns a copy of the password, or {@code null} for none. */
  public char @Nullable [] password() {
    return password == null ? null : password.clone();
  }

  /** Returns whether connections use TLS (also implied by a {@code rediss://} URI). */
  public boolean tls() {
    return tls;
  }

  /** Returns whether a TLS connection verifies the server's certificate and host name. */
  public boolean verifyPeer() {
    return verifyPeer;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RedisTierStoreOptions other
        && keyPrefix.equals(other.keyPrefix)
        && commandTimeout.equals(other.commandTimeout)
        && connectTimeout.equals(other.connectTimeout)
        && topologyRefreshPeriod.equals(other.topologyRefreshPeriod)
        && adaptiveRefreshMinInterval.equals(other.adaptiveRefreshMinInterval)
        && requestQueueSize == other.requestQueueSize
        && maxReconnectDelay.equals(other.maxReconnectDelay)
        && epochRefreshInterval.equals(other.epochRefreshInterval)
        && clockSkewAllowance.equals(other.clockSkewAllowance)
        && Objects.equals(clientName, other.clientName)
        && Objects.equals(username, other.username)
        && Arrays.equals(password, other.password)
        && tls == other.tls
        && verifyPeer == other.verifyPeer;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        keyPrefix,
        commandTimeout,
        connectTimeout,
        topologyRefreshPeriod,
        adaptiveRefreshMinInterval,
        requestQueueSize,
        maxReconnectDelay,
        epochRefreshInterval,
        clockSkewAllowance,
        clientName,
        username,
        tls,
        verifyPeer);
  }

  @Override
  public String toString() {
    return "RedisTierStoreOptions[keyPrefix="
        + keyPrefix
        + ", commandTimeout="
        + commandTimeout
        + ", connectTimeout="
        + connectTimeout
        + ", topologyRefreshPeriod="
        + topologyRefreshPeriod
        + ", adaptiveRefreshMinInterval="
        + adaptiveRefreshMinInterval
        + ", requestQueueSize="
        + requestQueueSize
        + ", maxReconnectDelay="
        + maxReconnectDelay
        + ", epochRefreshInterval="
        + epochRefreshInterval
        + ", clockSkewAllowance="
        + clockSkewAllowance
        + ", clientName="
        + clientName
        + ", username="
        + username
        + ", password="
        + (password == null ? "none" : "****")
        + ", tls="
        + tls
        + ", verifyPeer="
        + verifyPeer
        + "]";
  }

  private static Duration positive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
    return value;
  }

  private static Duration notNegative(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + value);
    }
    return value;
  }

  /** Builds {@link RedisTierStoreOptions}. Not thread-safe. */
  public static final class Builder {
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration topologyRefreshPeriod = DEFAULT_TOPOLOGY_REFRESH_PERIOD;
    private Duration adaptiveRefreshMinInterval = DEFAULT_ADAPTIVE_REFRESH_MIN_INTERVAL;
    private int requestQueueSize = DEFAULT_REQUEST_QUEUE_SIZE;
    private Duration maxReconnectDelay = DEFAULT_MAX_RECONNECT_DELAY;
    private Duration epochRefreshInterval = DEFAULT_EPOCH_REFRESH_INTERVAL;
    private Duration clockSkewAllowance = DEFAULT_CLOCK_SKEW_ALLOWANCE;
    private @Nullable String clientName = DEFAULT_CLIENT_NAME;
    private @Nullable String username;
    private char @Nullable [] password;
    private boolean tls;
    private boolean verifyPeer = true;

    private Builder() {}

    /**
     * Sets the prefix of every key and channel: 1 to 64 letters, digits, {@code .}, {@code _} or
     * {@code -}, in segments separated by single colons (e.g. {@code myapp:cache}).
     */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = KeyLayout.checkPrefix(keyPrefix);
      return this;
    }

    /** Sets how long a command may take before it fails; positive. */
    public Builder commandTimeout(Duration commandTimeout) {
      this.commandTimeout = positive("commandTimeout", commandTimeout);
      return this;
    }

    /** Sets how long a connection attempt may take; positive. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive("connectTimeout", connectTimeout);
      return this;
    }

    /** Sets the period of the cluster topology refresh; positive. */
    public Builder topologyRefreshPeriod(Duration topologyRefreshPeriod) {
      this.topologyRefreshPeriod = positive("topologyRefreshPeriod", topologyRefreshPeriod);
      return this;
    }

    /** Sets the least time between two adaptive topology refreshes; positive. */
    public Builder adaptiveRefreshMinInterval(Duration adaptiveRefreshMinInterval) {
      this.adaptiveRefreshMinInterval =
          positive("adaptiveRefreshMinInterval", adaptiveRefreshMinInterval);
      return this;
    }

    /** Sets the bound of each connection's request queue; positive. */
    public Builder requestQueueSize(int requestQueueSize) {
      if (requestQueueSize < 1) {
        throw new IllegalArgumentException(
            "requestQueueSize must be positive: " + requestQueueSize);
      }
      this.requestQueueSize = requestQueueSize;
      return this;
    }

    /** Sets the longest wait between two reconnect attempts; positive. */
    public Builder maxReconnectDelay(Duration maxReconnectDelay) {
      this.maxReconnectDelay = positive("maxReconnectDelay", maxReconnectDelay);
      return this;
    }

    /** Sets how often the epoch of each cache in use is reread; positive. */
    public Builder epochRefreshInterval(Duration epochRefreshInterval) {
      this.epochRefreshInterval = positive("epochRefreshInterval", epochRefreshInterval);
      return this;
    }

    /**
     * Sets how far this host's clock may run behind Redis's before its writes are refused as late;
     * zero or more. A larger allowance also lets a write that timed out land that much later.
     */
    public Builder clockSkewAllowance(Duration clockSkewAllowance) {
      this.clockSkewAllowance = notNegative("clockSkewAllowance", clockSkewAllowance);
      return this;
    }

    /** Sets the client name of every connection; {@code null} sets none. */
    public Builder clientName(@Nullable String clientName) {
      this.clientName = clientName;
      return this;
    }

    /** Authenticates with a password as the default user ({@code AUTH password}). */
    public Builder password(CharSequence password) {
      Objects.requireNonNull(password, "password");
      this.username = null;
      this.password = toChars(password);
      return this;
    }

    /** Authenticates as an ACL user ({@code AUTH username password}). */
    public Builder credentials(String username, CharSequence password) {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
      if (username.isEmpty()) {
        throw new IllegalArgumentException("username must not be empty");
      }
      this.username = username;
      this.password = toChars(password);
      return this;
    }

    /** Sets whether connections use TLS; a {@code rediss://} URI uses TLS either way. */
    public Builder tls(boolean tls) {
      this.tls = tls;
      return this;
    }

    /** Sets whether TLS connections verify the server's certificate and host name; default yes. */
    public Builder verifyPeer(boolean verifyPeer) {
      this.verifyPeer = verifyPeer;
      return this;
    }

    /** Returns the options. */
    public RedisTierStoreOptions build() {
      return new RedisTierStoreOptions(this);
    }

    private static char[] toChars(CharSequence s) {
      char[] chars = new char[s.length()];
      for (int i = 0; i < chars.length; i++) {
        chars[i] = s.charAt(i);
      }
      return chars;
    }
  }
}
