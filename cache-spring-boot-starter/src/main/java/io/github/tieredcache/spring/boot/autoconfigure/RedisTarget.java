package io.github.tieredcache.spring.boot.autoconfigure;

import io.github.tieredcache.spring.boot.autoconfigure.TieredCacheProperties.RedisConnection;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslVerifyMode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Where one Redis store connects: a cluster's seed nodes or one standalone server, with the
 * credentials and TLS setting folded into each URI. Built from {@code tiered-cache.redis} (or a
 * {@code tiered-cache.stores.<name>} entry) and, for the default store, Spring Boot's {@code
 * spring.data.redis.*} for what {@code tiered-cache.redis} leaves unset.
 *
 * @param clusterNodes the seed nodes of a cluster, empty for a standalone server
 * @param standalone the standalone server, or {@code null} for a cluster
 * @param description the nodes without credentials, for health details and logs
 */
record RedisTarget(List<RedisURI> clusterNodes, @Nullable RedisURI standalone, String description) {

  static final String CLIENT_NAME = "tiered-cache";

  boolean isCluster() {
    return !clusterNodes.isEmpty();
  }

  /** Returns whether {@code tiered-cache.redis} or {@code spring.data.redis} names a server. */
  static boolean isConfigured(Environment environment) {
    Binder binder = Binder.get(environment);
    SpringDataRedis spring = SpringDataRedis.bind(binder);
    List<String> nodes =
        binder
            .bind("tiered-cache.redis.cluster.nodes", Bindable.listOf(String.class))
            .orElse(List.of());
    return !nodes.isEmpty()
        || binder.bind("tiered-cache.redis.host", String.class).isBound()
        || spring.names();
  }

  /**
   * Returns the default store's target: {@code tiered-cache.redis} when it names a server; else
   * Boot's connection details ({@code boot}: a {@code @ServiceConnection}, Docker Compose, or
   * Boot's own reading of {@code spring.data.redis.*}) when Boot's Redis module is present; else
   * {@code spring.data.redis.*} read here. Credentials, TLS and the timeout set under {@code
   * tiered-cache.redis} apply in every case.
   */
  static RedisTarget ofDefault(
      RedisConnection own, Environment environment, @Nullable RedisConnection boot) {
    boolean ownNamesServer = !own.getCluster().getNodes().isEmpty() || own.getHost() != null;
    // Boot's details, when it has them, stand where spring.data.redis.* would: Boot read those
    // settings (or a @ServiceConnection) into them already.
    SpringDataRedis spring =
        boot != null ? SpringDataRedis.of(boot) : SpringDataRedis.bind(Binder.get(environment));
    RedisConnection merged = new RedisConnection();
    if (ownNamesServer) {
      merged.getCluster().setNodes(own.getCluster().getNodes());
      merged.setHost(own.getHost());
      merged.setPort(own.getPort());
      merged.setDatabase(own.getDatabase());
    } else if (spring.url != null && spring.clusterNodes.isEmpty()) {
      // redis://[[user]:password@]host[:port][/database], or rediss:// for TLS
      java.net.URI url = java.net.URI.create(spring.url);
      merged.setHost(url.getHost());
      merged.setPort(url.getPort() > 0 ? url.getPort() : null);
      String path = url.getPath() == null ? "" : url.getPath().replace("/", "");
      merged.setDatabase(path.isEmpty() ? null : Integer.valueOf(path));
      merged.getSsl().setEnabled("rediss".equals(url.getScheme()) ? Boolean.TRUE : null);
      String userInfo = url.getUserInfo();
      if (userInfo != null) {
        int colon = userInfo.indexOf(':');
        String user = colon < 0 ? null : userInfo.substring(0, colon);
        merged.setUsername(user == null || user.isEmpty() ? null : user);
        merged.setPassword(colon < 0 ? userInfo : userInfo.substring(colon + 1));
      }
    } else {
      merged.getCluster().setNodes(spring.clusterNodes);
      merged.setHost(spring.clusterNodes.isEmpty() ? spring.host : null);
      merged.setPort(spring.port);
      merged.setDatabase(spring.database);
    }
    // A blank username or password means "none", as in Spring Data Redis: `${REDIS_PASSWORD:}`
    // with the variable unset must not log in with an empty password.
    merged.setUsername(
        first(
            blankToNull(own.getUsername()),
            blankToNull(merged.getUsername()),
            blankToNull(spring.username)));
    merged.setPassword(
        first(
            blankToNull(own.getPassword()),
            blankToNull(merged.getPassword()),
            blankToNull(spring.password)));
    merged
        .getSsl()
        .setEnabled(first(own.getSsl().getEnabled(), merged.getSsl().getEnabled(), spring.ssl));
    merged.getSsl().setVerifyPeer(own.getSsl().isVerifyPeer());
    merged.setCommandTimeout(own.getCommandTimeout());
    return of(merged);
  }

  /** Returns the target {@code connection} names, without any fallback. */
  static RedisTarget of(RedisConnection connection) {
    List<String> nodes = connection.getCluster().getNodes();
    if (!nodes.isEmpty()) {
      List<RedisURI> uris = new ArrayList<>();
      for (String node : nodes) {
        uris.add(uri(node.trim(), connection));
      }
      return new RedisTarget(
          List.copyOf(uris),
          null,
          "redis-cluster "
              + uris.stream()
                  .map(u -> u.getHost() + ":" + u.getPort())
                  .collect(Collectors.joining(",")));
    }
    String host = connection.getHost() == null ? "localhost" : connection.getHost();
    int port = connection.getPort() == null ? RedisURI.DEFAULT_REDIS_PORT : connection.getPort();
    RedisURI uri = uri(host + ":" + port, connection);
    return new RedisTarget(
        List.of(), uri, "redis " + uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase());
  }

  private static RedisURI uri(String node, RedisConnection connection) {
    RedisURI.Builder builder;
    if (node.startsWith("redis://") || node.startsWith("rediss://")) {
      builder = RedisURI.builder(RedisURI.create(node));
    } else {
      int colon = node.lastIndexOf(':');
      String host = node.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      builder = RedisURI.Builder.redis(host, Integer.parseInt(node.substring(colon + 1)));
    }
    // The URI's timeout bounds the handshake and the topology refresh (the command timeout comes
    // from the client's TimeoutOptions, see RedisTierStoreOptions), so it is the connect timeout.
    builder.withTimeout(io.github.tieredcache.redis.RedisTierStoreOptions.DEFAULT_CONNECT_TIMEOUT);
    builder.withClientName(CLIENT_NAME);
    if (connection.getDatabase() != null) {
      builder.withDatabase(connection.getDatabase());
    }
    if (connection.getPassword() != null) {
      if (connection.getUsername() != null) {
        builder.withAuthentication(
            connection.getUsername(), connection.getPassword().toCharArray());
      } else {
        builder.withPassword(connection.getPassword().toCharArray());
      }
    }
    if (Boolean.TRUE.equals(connection.getSsl().getEnabled())) {
      builder.withSsl(true);
    }
    RedisURI uri = builder.build();
    if (uri.isSsl()) {
      uri.setVerifyPeer(
          connection.getSsl().isVerifyPeer() ? SslVerifyMode.FULL : SslVerifyMode.NONE);
    }
    return uri;
  }

  private static @Nullable String blankToNull(@Nullable String value) {
    return value == null || value.isBlank() ? null : value;
  }

  @SafeVarargs
  private static <T> @Nullable T first(@Nullable T... values) {
    for (T value : values) {
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  /**
   * The connection settings of Spring Boot's {@code spring.data.redis.*}, bound without Spring
   * Data.
   */
  private record SpringDataRedis(
      @Nullable String url,
      @Nullable String host,
      @Nullable Integer port,
      @Nullable Integer database,
      @Nullable String username,
      @Nullable String password,
      @Nullable Boolean ssl,
      List<String> clusterNodes) {

    /** The settings Boot's connection details give, read into the starter's form. */
    static SpringDataRedis of(RedisConnection boot) {
      return new SpringDataRedis(
          null,
          boot.getHost(),
          boot.getPort(),
          boot.getDatabase(),
          boot.getUsername(),
          boot.getPassword(),
          boot.getSsl().getEnabled(),
          boot.getCluster().getNodes());
    }

    static SpringDataRedis bind(Binder binder) {
      String p = "spring.data.redis.";
      return new SpringDataRedis(
          binder.bind(p + "url", String.class).orElse(null),
          binder.bind(p + "host", String.class).orElse(null),
          binder.bind(p + "port", Integer.class).orElse(null),
          binder.bind(p + "database", Integer.class).orElse(null),
          binder.bind(p + "username", String.class).orElse(null),
          binder.bind(p + "password", String.class).orElse(null),
          binder.bind(p + "ssl.enabled", Boolean.class).orElse(null),
          binder.bind(p + "cluster.nodes", Bindable.listOf(String.class)).orElse(List.of()));
    }

    /** Returns whether these settings name a server. */
    boolean names() {
      return url != null || host != null || !clusterNodes.isEmpty();
    }
  }
}
