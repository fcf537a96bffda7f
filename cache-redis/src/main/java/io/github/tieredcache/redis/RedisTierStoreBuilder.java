package io.github.tieredcache.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@link RedisTierStore}: a target (exactly one of {@link #cluster}, {@link #standalone}
 * or {@link #client}), optionally the client resources, and the {@link RedisTierStoreOptions}.
 *
 * <pre>{@code
 * RedisTierStore store = RedisTierStore.cluster("redis://10.0.0.1:6379")
 *     .options(o -> o.keyPrefix("shop").commandTimeout(Duration.ofMillis(300)))
 *     .build();
 * TierStore guarded = ResilientTierStore.wrap(store); // the breaker and the invalidation backlog
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class RedisTierStoreBuilder {

  private static final Logger log = LoggerFactory.getLogger(RedisTierStoreBuilder.class);
  private static final ByteArrayCodec CODEC = ByteArrayCodec.INSTANCE;

  private RedisTierStoreOptions.Builder options = RedisTierStoreOptions.builder();
  private @Nullable List<RedisURI> clusterUris;
  private @Nullable RedisURI standaloneUri;
  private @Nullable RedisClusterClient clusterClient;
  private @Nullable RedisClient standaloneClient;
  private @Nullable ClientResources resources;

  RedisTierStoreBuilder() {}

  /**
   * Targets a Redis Cluster through the given seed URIs ({@code redis://} or {@code rediss://}).
   */
  public RedisTierStoreBuilder cluster(String... uris) {
    Objects.requireNonNull(uris, "uris");
    return cluster(Arrays.stream(uris).map(RedisURI::create).toList());
  }

  /** Targets a Redis Cluster through the given seed URIs. */
  public RedisTierStoreBuilder cluster(Collection<RedisURI> uris) {
    Objects.requireNonNull(uris, "uris");
    if (uris.isEmpty()) {
      throw new IllegalArgumentException("cluster needs at least one seed URI");
    }
    target();
    this.clusterUris = List.copyOf(uris);
    return this;
  }

  /** Targets a standalone Redis at {@code uri}. */
  public RedisTierStoreBuilder standalone(String uri) {
    return standalone(RedisURI.create(Objects.requireNonNull(uri, "uri")));
  }

  /** Targets a standalone Redis at {@code uri}. */
  public RedisTierStoreBuilder standalone(RedisURI uri) {
    Objects.requireNonNull(uri, "uri");
    target();
    this.standaloneUri = uri;
    return this;
  }

  /**
   * Uses the caller's cluster client, its options and its resources. The store opens its own
   * connections on it and closes them on {@link RedisTierStore#close()}, but never shuts the client
   * down. Configure it with a short command timeout and {@code REJECT_COMMANDS} (see {@link
   * RedisTierStoreOptions}) for the failure behaviour the store promises.
   */
  public RedisTierStoreBuilder client(RedisClusterClient client) {
    Objects.requireNonNull(client, "client");
    target();
    this.clusterClient = client;
    return this;
  }

  /**
   * Uses the caller's standalone client with {@code uri}; see {@link #client(RedisClusterClient)}.
   */
  public RedisTierStoreBuilder client(RedisClient client, RedisURI uri) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(uri, "uri");
    target();
    this.standaloneClient = client;
    this.standaloneUri = uri;
    return this;
  }

  /**
   * Uses {@code resources} (event loops, timers) for the client the store creates, and never shuts
   * them down. Without it the store creates and owns its own.
   */
  public RedisTierStoreBuilder clientResources(ClientResources resources) {
    this.resources = Objects.requireNonNull(resources, "resources");
    return this;
  }

  /** Replaces every option with {@code options}. */
  public RedisTierStoreBuilder options(RedisTierStoreOptions options) {
    this.options = Objects.requireNonNull(options, "options").toBuilder();
    return this;
  }

  /**
   * Changes the options set so far (the defaults, unless {@link #options(RedisTierStoreOptions)}).
   */
  public RedisTierStoreBuilder options(Consumer<RedisTierStoreOptions.Builder> change) {
    Objects.requireNonNull(change, "change").accept(options);
    return this;
  }

  /**
   * Returns the store. It connects in the background; an unreachable Redis does not fail the build
   * (operations fail until it is reachable).
   *
   * @throws IllegalStateException if no target was set
   */
  public RedisTierStore build() {
    RedisTierStoreOptions o = options.build();
    if (clusterClient != null) {
      return onCluster(o, clusterClient, () -> {});
    }
    if (standaloneClient != null) {
      return onStandalone(o, standaloneClient, Objects.requireNonNull(standaloneUri), () -> {});
    }
    if (clusterUris == null && standaloneUri == null) {
      throw new IllegalStateException(
          "RedisTierStore needs a target: cluster(uris), standalone(uri) or client(...)");
    }
    ClientResources res = resources != null ? resources : ownedResources(o);
    Runnable releaseResources = resources != null ? () -> {} : () -> shutDown(res);
    try {
      if (clusterUris != null) {
        List<RedisURI> uris = clusterUris.stream().map(u -> configure(u, o)).toList();
        RedisClusterClient client = RedisClusterClient.create(res, uris);
        client.setOptions(o.toClusterClientOptions());
        return onCluster(o, client, () -> shutDown(client, releaseResources));
      }
      RedisURI uri = configure(Objects.requireNonNull(standaloneUri), o);
      RedisClient client = RedisClient.create(res, uri);
      client.setOptions(o.toClientOptions());
      return onStandalone(o, client, uri, () -> shutDown(client, releaseResources));
    } catch (RuntimeException e) {
      releaseResources.run();
      throw e;
    }
  }

  private void target() {
    if (clusterUris != null
        || standaloneUri != null
        || clusterClient != null
        || standaloneClient != null) {
      throw new IllegalStateException("RedisTierStore target was already set");
    }
  }

  private static RedisTierStore onCluster(
      RedisTierStoreOptions o, RedisClusterClient client, Runnable release) {
    return new RedisTierStore(
        o,
        // connectAsync needs the topology loaded; refreshPartitionsAsync loads it without blocking.
        () ->
            client
                .refreshPartitionsAsync()
                .thenCompose(v -> client.connectAsync(CODEC))
                .thenApply(c -> new DataConnection.Data(c, c.async())),
        () -> client.refreshPartitionsAsync().thenCompose(v -> client.connectPubSubAsync(CODEC)),
        client.getResources().eventExecutorGroup(),
        sink -> FailoverWatch.start(client, sink),
        new TopologyRefresh(client::refreshPartitionsAsync),
        release);
  }

  private static RedisTierStore onStandalone(
      RedisTierStoreOptions o, RedisClient client, RedisURI uri, Runnable release) {
    return new RedisTierStore(
        o,
        () ->
            client
                .connectAsync(CODEC, uri)
                .toCompletableFuture()
                .thenApply(c -> new DataConnection.Data(c, c.async())),
        () -> client.connectPubSubAsync(CODEC, uri).toCompletableFuture(),
        client.getResources().eventExecutorGroup(),
        sink -> () -> {},
        TopologyRefresh.NONE,
        release);
  }

  /**
   * Returns a copy of {@code source} with the options' connect timeout, client name, credentials
   * and TLS. A URI's timeout is what Lettuce gives the connection handshake ({@code HELLO}, {@code
   * AUTH}, {@code CLIENT SETNAME}) and the topology refresh, so it is the connect timeout: with the
   * command timeout there, a loaded server that answered a handshake in 600 ms failed to connect at
   * all. Commands get the command timeout from the client's {@code TimeoutOptions}.
   */
  static RedisURI configure(RedisURI source, RedisTierStoreOptions o) {
    RedisURI.Builder b = RedisURI.builder(source).withTimeout(o.connectTimeout());
    String clientName = o.clientName();
    if (clientName != null) {
      b.withClientName(clientName);
    }
    char[] password = o.password();
    String username = o.username();
    if (password != null && username != null) {
      b.withAuthentication(username, password);
    } else if (password != null) {
      b.withPassword(password);
    }
    if (o.tls()) {
      b.withSsl(true);
    }
    if (o.tls() || source.isSsl()) {
      b.withVerifyPeer(o.verifyPeer() ? SslVerifyMode.FULL : SslVerifyMode.NONE);
    }
    return b.build();
  }

  private static ClientResources ownedResources(RedisTierStoreOptions o) {
    return DefaultClientResources.builder()
        .reconnectDelay(
            Delay.exponential(
                Duration.ofMillis(10), o.maxReconnectDelay(), 2, TimeUnit.MILLISECONDS))
        .build();
  }

  private static void shutDown(io.lettuce.core.AbstractRedisClient client, Runnable then) {
    try {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    } catch (RuntimeException e) {
      log.debug("Redis client shutdown failed", e);
    } finally {
      then.run();
    }
  }

  private static void shutDown(ClientResources resources) {
    try {
      resources.shutdown(0, 2, TimeUnit.SECONDS).get(3, TimeUnit.SECONDS);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      log.debug("Redis client resources shutdown failed", e);
    }
  }
}
