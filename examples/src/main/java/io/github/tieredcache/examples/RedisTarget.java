package io.github.tieredcache.examples;

import io.github.tieredcache.redis.RedisTierStore;
import io.github.tieredcache.redis.RedisTierStoreBuilder;
import io.github.tieredcache.redis.testkit.LocalRedisCluster;
import io.github.tieredcache.resilience.ResilientTierStore;
import io.github.tieredcache.spi.TierStore;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The Redis a run's tiers live on: a local Redis Cluster started for the run (or the testkit's
 * shared one), or an existing Redis Cluster or standalone server named by the user. Builds the
 * run's {@link RedisTierStore} on it, and reads what the report shows ({@code used_memory}, key
 * counts, command counts) from {@code INFO} on its primaries through an admin connection of its
 * own.
 *
 * <p>On a Redis it did not start, it only ever touches keys under its own {@link #keyPrefix()},
 * which carries a random run id: it never flushes anything, and {@link #deleteRunKeys()} deletes
 * exactly the keys that match {@code <keyPrefix>:*}.
 */
public final class RedisTarget implements AutoCloseable {

  /** The prefix of the quickstart's keys; a run on a Redis it did not start adds a run id. */
  public static final String KEY_PREFIX = "quickstart";

  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final List<RedisURI> uris;
  private final boolean cluster;
  private final String keyPrefix;
  private final String description;
  private final boolean started;
  private final LocalRedisCluster owned; // nullable: a cluster this target started and stops
  private final Admin admin;

  private RedisTarget(
      List<RedisURI> uris,
      boolean cluster,
      String keyPrefix,
      String where,
      boolean started,
      LocalRedisCluster owned,
      Admin admin) {
    this.uris = List.copyOf(uris);
    this.cluster = cluster;
    this.keyPrefix = keyPrefix;
    this.started = started;
    this.owned = owned;
    this.admin = admin;
    this.description =
        where
            .replace("{version}", admin.version())
            .replace(
                "{primaries}",
                admin.primaryCount() + (admin.primaryCount() == 1 ? " primary" : " primaries"));
  }

  /**
   * Starts a private local Redis Cluster (3 primaries + 3 replicas) with the testkit; {@link
   * #close()} stops it.
   *
   * @throws io.github.tieredcache.redis.testkit.LocalRedisException if no redis-server can be found
   *     or the cluster does not start
   */
  public static RedisTarget startLocalCluster() {
    return startLocalCluster(LocalRedisCluster::start);
  }

  /** Starts a local cluster with {@code starter}, which may throw {@code LocalRedisException}. */
  static RedisTarget startLocalCluster(Supplier<LocalRedisCluster> starter) {
    LocalRedisCluster local = starter.get();
    try {
      return onLocalCluster(local, KEY_PREFIX, true);
    } catch (RuntimeException e) {
      local.close();
      throw e;
    }
  }

  /**
   * Uses a local cluster the caller manages (e.g. {@link LocalRedisCluster#shared()}), with keys
   * under {@code keyPrefix}; {@link #close()} leaves the cluster running.
   */
  public static RedisTarget onLocalCluster(LocalRedisCluster local, String keyPrefix) {
    return onLocalCluster(local, keyPrefix, false);
  }

  private static RedisTarget onLocalCluster(
      LocalRedisCluster local, String keyPrefix, boolean own) {
    List<RedisURI> uris = local.nodeUris().stream().map(RedisURI::create).toList();
    Admin admin = Admin.cluster(uris);
    int nodes = local.nodes().size();
    int primaries = local.options().primaries();
    String where =
        "a local Redis Cluster"
            + (own ? " started for the run" : "")
            + ": Redis {version}, "
            + primaries
            + " primaries + "
            + (nodes - primaries)
            + " replicas on 127.0.0.1";
    return new RedisTarget(uris, true, keyPrefix, where, true, own ? local : null, admin);
  }

  /**
   * Connects to an existing Redis: a cluster (any of its nodes as seeds) or a standalone server,
   * told apart by {@code INFO cluster}. Keys go under {@code quickstart:<run id>}.
   *
   * @throws IllegalArgumentException if a URI does not parse, or several name a standalone server
   * @throws io.lettuce.core.RedisException if the first URI cannot be reached
   */
  public static RedisTarget connect(List<String> uriTexts) {
    if (uriTexts.isEmpty()) {
      throw new IllegalArgumentException("no Redis URI given");
    }
    List<RedisURI> uris = new ArrayList<>();
    for (String text : uriTexts) {
      try {
        uris.add(RedisURI.builder(RedisURI.create(text)).withTimeout(ADMIN_TIMEOUT).build());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "not a Redis URI: '" + redact(text) + "': " + redact(String.valueOf(e.getMessage())),
            e);
      }
    }
    boolean isCluster = clusterEnabled(uris.get(0));
    if (!isCluster && uris.size() > 1) {
      throw new IllegalArgumentException(
          redact(uriTexts.get(0))
              + " is a standalone Redis (cluster_enabled:0); name just that one, not "
              + uris.size()
              + " nodes");
    }
    Admin admin = isCluster ? Admin.cluster(uris) : Admin.standalone(uris.get(0));
    String runId =
        Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36 * 36), 36);
    String where =
        (isCluster ? "the Redis Cluster at " : "the standalone Redis at ")
            + uris.stream()
                .map(u -> u.getHost() + ":" + u.getPort())
                .collect(Collectors.joining(","))
            + (isCluster ? ": Redis {version}, {primaries}" : ": Redis {version}");
    try {
      return new RedisTarget(uris, isCluster, KEY_PREFIX + ":" + runId, where, false, null, admin);
    } catch (RuntimeException e) {
      admin.close();
      throw e;
    }
  }

  /** Returns the prefix of every key the run's store writes. */
  public String keyPrefix() {
    return keyPrefix;
  }

  /** Returns where the tiers live, for the report; never holds a password. */
  public String description() {
    return description;
  }

  /** Returns whether the Redis was started by the testkit (this run's, or the JVM's shared one). */
  public boolean isLocal() {
    return started;
  }

  /** Returns the number of primaries whose figures {@link #figures()} sums. */
  public int primaries() {
    return admin.primaryCount();
  }

  /**
   * Builds the run's store: a {@link RedisTierStore} on this Redis, keys under {@link
   * #keyPrefix()}, guarded by a {@code ResilientTierStore} (circuit breaker, invalidation backlog).
   */
  public TierStore newStore() {
    // The URIs carry any credentials and TLS (rediss://user:pass@host), so pass them as they are.
    RedisTierStoreBuilder builder =
        cluster
            ? RedisTierStore.builder().cluster(uris)
            : RedisTierStore.builder().standalone(uris.get(0));
    return ResilientTierStore.wrap(
        builder.options(o -> o.keyPrefix(keyPrefix).clientName("tiered-cache-quickstart")).build());
  }

  /**
   * What Redis reports at one moment: memory and keys summed over the primaries, command calls
   * summed over every node (a keyless command such as PUBLISH may run on a replica).
   */
  public record Figures(
      long usedMemory, long replicationBuffers, long keys, Map<String, Long> commands) {

    /** Returns {@code after - this}, command by command. */
    public Figures until(Figures after) {
      Map<String, Long> delta = new LinkedHashMap<>();
      after.commands.forEach(
          (command, calls) -> {
            long d = calls - commands.getOrDefault(command, 0L);
            if (d != 0) {
              delta.put(command, d);
            }
          });
      return new Figures(
          after.usedMemory - usedMemory,
          after.replicationBuffers - replicationBuffers,
          after.keys - keys,
          delta);
    }
  }

  /**
   * Reads {@code used_memory} and the replication buffers ({@code INFO memory}) and {@code DBSIZE}
   * from every primary, and {@code INFO commandstats} from every node.
   */
  public Figures figures() {
    long memory = 0;
    long replication = 0;
    long keys = 0;
    for (RedisCommands<String, String> node : admin.primaries()) {
      Map<String, String> info = fields(node.info("memory"));
      memory +=
          Long.parseLong(
              Objects.requireNonNull(info.get("used_memory"), "INFO memory without used_memory"));
      // Redis 7 reports the shared replication buffer; 6.x the backlog alone.
      replication +=
          Long.parseLong(
              info.getOrDefault(
                  "mem_total_replication_buffers",
                  info.getOrDefault("mem_replication_backlog", "0")));
      keys += node.dbsize();
    }
    Map<String, Long> commands = new LinkedHashMap<>();
    for (StatefulRedisConnection<String, String> node : admin.nodes()) {
      commandCalls(node.sync().info("commandstats"))
          .forEach((c, n) -> commands.merge(c, n, Long::sum));
    }
    return new Figures(memory, replication, keys, commands);
  }

  /**
   * Deletes the keys matching {@code <keyPrefix>:*} (and no other) on every primary, with {@code
   * SCAN} and {@code UNLINK}; returns how many it deleted.
   */
  public long deleteRunKeys() {
    String pattern = keyPrefix + ":*"; // the prefix holds no glob characters
    ScanArgs args = ScanArgs.Builder.matches(pattern).limit(1000);
    long deleted = 0;
    for (StatefulRedisConnection<String, String> node : admin.primaryConnections()) {
      ScanCursor cursor = ScanCursor.INITIAL;
      do {
        KeyScanCursor<String> page = node.sync().scan(cursor, args);
        // One UNLINK per key: keys of different slots cannot share one command on a cluster.
        List<RedisFuture<Long>> unlinks = new ArrayList<>();
        for (String key : page.getKeys()) {
          unlinks.add(node.async().unlink(key));
        }
        for (RedisFuture<Long> unlink : unlinks) {
          try {
            deleted += unlink.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
          } catch (Exception e) {
            if (e instanceof InterruptedException) {
              Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("UNLINK failed: " + e.getMessage(), e);
          }
        }
        cursor = page;
      } while (!cursor.isFinished());
    }
    return deleted;
  }

  /** Closes the admin connection, and stops the local cluster if this target started it. */
  @Override
  public void close() {
    try {
      admin.close();
    } finally {
      if (owned != null) {
        owned.close();
      }
    }
  }

  @Override
  public String toString() {
    return "RedisTarget[" + description + ", keys " + keyPrefix + ":*]";
  }

  /** Returns {@code uri} with any password replaced by {@code ****}. */
  static String redact(String uri) {
    return uri.replaceAll("(?<=://)([^:@/]*):[^@/]*@", "$1:****@");
  }

  // ------------------------------------------------------------------------------------------

  private static boolean clusterEnabled(RedisURI uri) {
    RedisClient client = RedisClient.create(uri);
    client.setOptions(
        ClientOptions.builder()
            .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
            .build());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      return "1".equals(fields(c.sync().info("cluster")).get("cluster_enabled"));
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  /** The {@code field:value} lines of INFO output. */
  static Map<String, String> fields(String info) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : info.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (!line.startsWith("#") && colon > 0) {
        fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
      }
    }
    return fields;
  }

  /** {@code cmdstat_mget:calls=3,usec=...} as {@code mget -> 3}. */
  static Map<String, Long> commandCalls(String commandStats) {
    Map<String, Long> calls = new LinkedHashMap<>();
    fields(commandStats)
        .forEach(
            (field, value) -> {
              if (field.startsWith("cmdstat_")) {
                for (String part : value.split(",")) {
                  if (part.startsWith("calls=")) {
                    calls.put(
                        field.substring("cmdstat_".length()).toLowerCase(Locale.ROOT),
                        Long.parseLong(part.substring("calls=".length())));
                  }
                }
              }
            });
    return calls;
  }

  /** An admin connection to every primary of a cluster, or to a standalone server. */
  private static final class Admin implements AutoCloseable {
    private final io.lettuce.core.AbstractRedisClient client;
    private final Function<Boolean, List<StatefulRedisConnection<String, String>>> nodes;
    private final AutoCloseable connection;
    private final String version;
    private final int primaryCount;

    /** {@code nodes.apply(true)}: the primaries; {@code apply(false)}: every node. */
    private Admin(
        io.lettuce.core.AbstractRedisClient client,
        AutoCloseable connection,
        Function<Boolean, List<StatefulRedisConnection<String, String>>> nodes) {
      this.client = client;
      this.connection = connection;
      this.nodes = nodes;
      List<StatefulRedisConnection<String, String>> primaries = nodes.apply(true);
      this.primaryCount = primaries.size();
      this.version =
          fields(primaries.get(0).sync().info("server")).getOrDefault("redis_version", "?");
    }

    static Admin cluster(List<RedisURI> uris) {
      RedisClusterClient client = RedisClusterClient.create(uris);
      client.setOptions(
          ClusterClientOptions.builder()
              .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
              .build());
      try {
        StatefulRedisClusterConnection<String, String> c = client.connect();
        c.setTimeout(ADMIN_TIMEOUT);
        return new Admin(
            client,
            c,
            primariesOnly -> {
              client.refreshPartitions();
              List<StatefulRedisConnection<String, String>> nodes = new ArrayList<>();
              for (RedisClusterNode node : client.getPartitions()) {
                boolean primary =
                    node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.getSlots().isEmpty();
                boolean failed =
                    node.is(RedisClusterNode.NodeFlag.FAIL)
                        || node.is(RedisClusterNode.NodeFlag.NOADDR);
                if (!failed && (primary || !primariesOnly)) {
                  nodes.add(c.getConnection(node.getNodeId()));
                }
              }
              if (nodes.isEmpty()) {
                throw new IllegalStateException("the cluster reports no primary that serves slots");
              }
              return nodes;
            });
      } catch (RuntimeException e) {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        throw e;
      }
    }

    static Admin standalone(RedisURI uri) {
      RedisClient client = RedisClient.create(uri);
      client.setOptions(
          ClientOptions.builder()
              .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
              .build());
      try {
        StatefulRedisConnection<String, String> c = client.connect();
        return new Admin(client, c, primariesOnly -> List.of(c));
      } catch (RuntimeException e) {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        throw e;
      }
    }

    String version() {
      return version;
    }

    int primaryCount() {
      return primaryCount;
    }

    List<StatefulRedisConnection<String, String>> primaryConnections() {
      return nodes.apply(true);
    }

    List<StatefulRedisConnection<String, String>> nodes() {
      return nodes.apply(false);
    }

    List<RedisCommands<String, String>> primaries() {
      return primaryConnections().stream().map(StatefulRedisConnection::sync).toList();
    }

    @Override
    public void close() {
      try {
        connection.close();
      } catch (Exception e) {
        // closing anyway
      } finally {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
    }
  }
}
