package io.github.tieredcache.benchmarks;

import io.github.tieredcache.redis.testkit.LocalRedisCluster;
import io.github.tieredcache.redis.testkit.RedisNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.internal.HostAndPort;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.MappingSocketAddressResolver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Where the local Redis Cluster the benchmarks use is.
 *
 * <p>{@code run.sh} starts one cluster with the testkit's main and hands its nodes to every JMH
 * fork as {@code -Dtieredcache.redis.nodes=127.0.0.1:p1,127.0.0.1:p2,...} (or the environment
 * variable {@code REDIS_CLUSTER_NODES}, which the testkit's main prints). Without either, the fork
 * starts the testkit's shared cluster itself, which makes a hand-run {@code java -jar
 * benchmarks.jar RemoteHit} work at the price of a few seconds per fork.
 *
 * <p>Never the Redis on 127.0.0.1:6379: a list that names that port is refused.
 */
public final class RedisNodes {

  /** The system property holding {@code host:port,host:port,...}. */
  public static final String PROPERTY = "tieredcache.redis.nodes";

  /** The environment variable the testkit's main prints. */
  public static final String ENV = "REDIS_CLUSTER_NODES";

  /**
   * The system property holding the delayed links in front of the nodes, {@code
   * nodePort=linkPort,...} (run.sh's latency profile; the testkit's {@code REDIS_CLUSTER_LINKS}).
   */
  public static final String LINKS_PROPERTY = "tieredcache.redis.links";

  private static volatile List<String> cached;
  private static volatile @Nullable ClientResources linkResources;

  private RedisNodes() {}

  /** Returns the cluster's nodes as {@code host:port}, primaries and replicas. */
  public static List<String> hostPorts() {
    List<String> nodes = cached;
    if (nodes != null) {
      return nodes;
    }
    synchronized (RedisNodes.class) {
      if (cached == null) {
        cached = List.copyOf(resolve());
      }
      return cached;
    }
  }

  private static List<String> resolve() {
    String list = System.getProperty(PROPERTY);
    if (list == null || list.isBlank()) {
      list = System.getenv(ENV);
    }
    if (list != null && !list.isBlank()) {
      List<String> nodes =
          Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
      for (String node : nodes) {
        if (node.endsWith(":6379")) {
          throw new IllegalArgumentException(
              PROPERTY + " names " + node + "; the benchmarks never use the Redis on port 6379");
        }
      }
      return nodes;
    }
    System.err.println(
        "# " + PROPERTY + " not set: starting the testkit's shared local Redis Cluster");
    LocalRedisCluster cluster = LocalRedisCluster.shared();
    return cluster.nodes().stream().map(RedisNode::hostAndPort).toList();
  }

  /**
   * Returns client resources that reach every node through its delayed link, when {@link
   * #LINKS_PROPERTY} names links (one set per fork, never shut down before the fork ends); empty
   * otherwise, and clients keep their own resources as before.
   */
  public static Optional<ClientResources> linkResources() {
    String list = System.getProperty(LINKS_PROPERTY);
    if (list == null || list.isBlank()) {
      return Optional.empty();
    }
    synchronized (RedisNodes.class) {
      if (linkResources == null) {
        Map<Integer, Integer> links = new java.util.HashMap<>();
        for (String pair : list.split(",")) {
          String[] ports = pair.trim().split("=");
          links.put(Integer.parseInt(ports[0]), Integer.parseInt(ports[1]));
        }
        Function<HostAndPort, HostAndPort> throughLink =
            node -> {
              Integer link = links.get(node.getPort());
              return link == null ? node : HostAndPort.of(node.getHostText(), link);
            };
        linkResources =
            DefaultClientResources.builder()
                .socketAddressResolver(MappingSocketAddressResolver.create(throughLink))
                .build();
      }
      return Optional.of(linkResources);
    }
  }

  /** Returns a cluster client of the nodes, through their delayed links if there are any. */
  public static RedisClusterClient clusterClient() {
    return linkResources()
        .map(r -> RedisClusterClient.create(r, redisUris()))
        .orElseGet(() -> RedisClusterClient.create(redisUris()));
  }

  /** Returns the nodes as {@code redis://host:port} URIs. */
  public static String[] uris() {
    return hostPorts().stream().map(n -> "redis://" + n).toArray(String[]::new);
  }

  /** Returns the nodes as Lettuce URIs. */
  public static List<RedisURI> redisUris() {
    return hostPorts().stream().map(n -> RedisURI.create("redis://" + n)).toList();
  }

  /**
   * Runs {@code command} on every node that reports itself a primary (INFO replication) and returns
   * the answers by node.
   */
  public static <T> Map<String, T> onPrimaries(Function<RedisCommands<String, String>, T> command) {
    Map<String, T> answers = new java.util.LinkedHashMap<>();
    RedisClient client = RedisClient.create();
    try {
      for (String node : hostPorts()) {
        try (StatefulRedisConnection<String, String> c =
            client.connect(RedisURI.create("redis://" + node))) {
          String replication = c.sync().info("replication");
          if (replication.contains("role:master")) {
            answers.put(node, command.apply(c.sync()));
          }
        }
      }
    } finally {
      client.shutdown();
    }
    return answers;
  }

  /** Returns {@code used_memory} of {@code INFO memory}, summed over the primaries. */
  public static long usedMemory() {
    long total = 0;
    for (String info : onPrimaries(c -> c.info("memory")).values()) {
      total += infoField(info, "used_memory");
    }
    return total;
  }

  /** Returns a numeric field of an INFO reply, or -1. */
  public static long infoField(String info, String field) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.substring(field.length() + 1).trim());
      }
    }
    return -1;
  }

  /** Deletes every key of the cluster (FLUSHALL on each primary); only our own local cluster. */
  public static void flushAll() {
    onPrimaries(RedisCommands::flushall);
  }

  /** Returns the number of primaries. */
  public static int primaries() {
    return onPrimaries(c -> 1).size();
  }

  /** Returns a mutable copy of the node list, for callers that build client configs. */
  public static List<String> hostPortsCopy() {
    return new ArrayList<>(hostPorts());
  }

  /** Prints {@code redis_version} of the cluster's first primary (for run.sh's run-info). */
  public static void main(String[] args) {
    String info = onPrimaries(c -> c.info("server")).values().stream().findFirst().orElse("");
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("redis_version:")) {
        System.out.println(line.substring("redis_version:".length()).trim());
        return;
      }
    }
    System.out.println("unknown");
  }
}
