package io.github.tieredcache.redis.testkit;

import io.lettuce.core.MigrateArgs;
import io.lettuce.core.Range;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Redis Cluster on this machine: primaries and replicas as local redis-server processes (or
 * containers, see the package documentation) on free 127.0.0.1 ports, for integration tests,
 * benchmarks and examples.
 *
 * <p>Use {@link #shared()} for the one cluster all test classes of a JVM share, and {@link
 * #start(ClusterOptions)} for a private one that a test may break (kill nodes, stop it all) and
 * must {@link #close()}. Every node runs without persistence, with diskless replication that starts
 * at once, and with a short {@code cluster-node-timeout} (2 s by default), so a killed primary is
 * replaced in seconds.
 *
 * <p>Health: {@link #awaitHealthy(Duration)} waits for more than {@code cluster_state:ok}, which
 * every node keeps reporting for seconds after a primary dies. It also requires that, in every
 * running node's view, all 16384 slots are served by running primaries (the same ones in every
 * view) and every running node is a connected member in the role it reports itself; that every
 * running node either serves slots or replicates a primary that does; and that every running
 * replica's link to its primary is up. Roles are read back from the nodes each time, so a failover
 * that swapped a primary and its replica is simply the new layout; {@link #primaries()}, {@link
 * #replicas()}, {@link #replicaOf(RedisNode)} and {@link #primaryForKey(String)} answer from the
 * layout the last successful health check saw (at start, or the last {@code awaitHealthy}/{@code
 * startAll}).
 *
 * <p>Admin commands (health checks, statistics, {@link #flushAll()}) open a short-lived connection
 * to the node they address and show up in its command statistics; call {@link #resetStats()} after
 * them.
 *
 * <p>Thread-safe. Cluster-wide operations are serialized; so are fault injections on one node.
 */
public final class LocalRedisCluster implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalRedisCluster.class);

  private static final Object SHARED_LOCK = new Object();
  private static @Nullable LocalRedisCluster shared;
  private static @Nullable LocalRedisException sharedFailure;

  private final ClusterOptions options;
  private final List<RedisNode> nodes;
  private final boolean isShared;
  private final Runnable exitCleanup;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Layout layout;

  /** Who serves what, as of the last successful health check. */
  private record Layout(
      List<RedisNode> primaries,
      List<RedisNode> replicas,
      Map<RedisNode, RedisNode> primaryOf,
      int[] slotOwnerPorts) {}

  private LocalRedisCluster(
      ClusterOptions options, List<RedisNode> nodes, boolean isShared, Runnable exitCleanup) {
    this.options = options;
    this.nodes = List.copyOf(nodes);
    this.isShared = isShared;
    this.exitCleanup = exitCleanup;
    this.layout = new Layout(List.of(), List.of(), Map.of(), new int[0]);
  }

  /**
   * Returns the cluster shared by everything in this JVM, with {@link ClusterOptions#defaults()}:
   * started on the first call, stopped when the JVM exits. {@link #close()} on it does nothing.
   *
   * <p>Tests must not break the shared cluster; use a private one for fault injection. If a node of
   * the shared cluster is found not running anyway, this call restarts it and waits until the
   * cluster is healthy before returning. If the first start failed, every later call fails at once
   * with that cause.
   *
   * @throws LocalRedisException if no redis-server can be found or the cluster does not start
   */
  public static LocalRedisCluster shared() {
    synchronized (SHARED_LOCK) {
      if (sharedFailure != null) {
        throw new LocalRedisException(
            "the shared Redis Cluster failed to start earlier in this JVM: "
                + sharedFailure.getMessage(),
            sharedFailure);
      }
      LocalRedisCluster cluster = shared;
      if (cluster == null) {
        try {
          cluster =
              create(
                  ClusterOptions.defaults(),
                  /* isShared= */ true,
                  RedisServerLocator.defaultLauncher());
        } catch (LocalRedisException e) {
          sharedFailure = e;
          throw e;
        }
        shared = cluster;
      } else if (!cluster.nodes.stream().allMatch(RedisNode::isAlive)) {
        log.warn("A node of the shared Redis Cluster was found down; restarting it");
        cluster.startAll();
      }
      return cluster;
    }
  }

  /**
   * Starts a private cluster with {@link ClusterOptions#defaults()}. The caller owns it and must
   * close it.
   *
   * @throws LocalRedisException if no redis-server can be found or the cluster does not start
   */
  public static LocalRedisCluster start() {
    return start(ClusterOptions.defaults());
  }

  /**
   * Starts a private cluster laid out as {@code options} say, and returns once it is healthy (see
   * the class documentation). The caller owns it and must close it; if it does not, the JVM's exit
   * does.
   *
   * @throws LocalRedisException if no redis-server can be found, or the cluster is not healthy
   *     within {@link ClusterOptions#startupTimeout()}; every process started is destroyed first
   */
  public static LocalRedisCluster start(ClusterOptions options) {
    return create(options, /* isShared= */ false, RedisServerLocator.defaultLauncher());
  }

  /** Starts a private cluster whose servers come from {@code launcher}. */
  static LocalRedisCluster start(ClusterOptions options, NodeLauncher launcher) {
    return create(options, /* isShared= */ false, launcher);
  }

  private static LocalRedisCluster create(
      ClusterOptions options, boolean isShared, NodeLauncher launcher) {
    long started = System.nanoTime();
    long deadline = started + options.startupTimeout().toNanos();
    Path baseDir;
    try {
      baseDir = Files.createTempDirectory("tieredcache-redis-cluster-");
    } catch (IOException e) {
      throw new LocalRedisException("cannot create a temporary directory for the cluster", e);
    }
    AdminClient admin = new AdminClient();
    // Read by the exit hook while this thread still adds to it.
    List<ManagedServer> servers = new CopyOnWriteArrayList<>();
    AtomicBoolean cleaned = new AtomicBoolean();
    Runnable cleanup =
        () -> {
          if (cleaned.compareAndSet(false, true)) {
            servers.forEach(ManagedServer::destroy);
            admin.close();
            ExitCleanup.deleteRecursively(baseDir);
          }
        };
    ExitCleanup.register(cleanup);
    try {
      for (int i = 0; i < options.nodeCount(); i++) {
        Path dir = Files.createDirectory(baseDir.resolve("node-" + i));
        ManagedServer server =
            new ManagedServer(
                launcher,
                admin,
                dir,
                /* clusterNode= */ true,
                port ->
                    ServerArgs.clusterNode(
                        port,
                        dir,
                        launcher.version(),
                        options.nodeTimeout(),
                        options.requireFullCoverage()));
        servers.add(server);
        server.launchOnFreePort();
      }
      for (ManagedServer server : servers) {
        server.awaitFirstStart(remaining(deadline));
      }
      log.debug(
          "{} redis-server processes ready after {} ms", servers.size(), millisSince(started));
      List<String> ids = form(servers, options, launcher.version(), deadline);
      log.debug("Cluster formed after {} ms", millisSince(started));
      List<RedisNode> nodes = new ArrayList<>();
      for (int i = 0; i < servers.size(); i++) {
        nodes.add(new RedisNode(servers.get(i), ids.get(i), i, options.startupTimeout()));
      }
      LocalRedisCluster cluster = new LocalRedisCluster(options, nodes, isShared, cleanup);
      cluster.awaitHealthy(remaining(deadline));
      log.info(
          "Started Redis Cluster of {} primaries and {} replicas at {} in {} ms with {}",
          options.primaries(),
          options.nodeCount() - options.primaries(),
          cluster.nodeUris(),
          millisSince(started),
          launcher.description());
      return cluster;
    } catch (IOException | RuntimeException e) {
      StringBuilder message =
          new StringBuilder("Redis Cluster did not start (")
              .append(launcher.description())
              .append("): ")
              .append(e.getMessage());
      if (!(e instanceof LocalRedisException) || !message.toString().contains("--- last ")) {
        // Failed while forming the cluster, not while starting a process: every node may tell why.
        servers.forEach(s -> message.append(s.logTail(/* lines= */ 10)));
      }
      cleanup.run();
      ExitCleanup.unregister(cleanup);
      throw new LocalRedisException(message.toString(), e);
    }
  }

  /**
   * Forms the cluster from fresh nodes, as {@code redis-cli --cluster create} does: distinct config
   * epochs, equal slot ranges for the primaries, one MEET per node, then each replica follows its
   * primary once it knows it. Returns the node ids in node order.
   */
  private static List<String> form(
      List<ManagedServer> servers, ClusterOptions options, RedisVersion version, long deadline) {
    int n = servers.size();
    int primaries = options.primaries();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long epoch = i + 1;
      ids.add(
          servers
              .get(i)
              .call(
                  c -> {
                    c.clusterSetConfigEpoch(epoch);
                    return c.clusterMyId();
                  }));
    }
    for (int p = 0; p < primaries; p++) {
      int from = p * ClusterView.SLOTS / primaries;
      int to = (p + 1) * ClusterView.SLOTS / primaries - 1;
      servers.get(p).call(c -> addSlots(c, from, to, version));
    }
    ManagedServer first = servers.get(0);
    for (int i = 1; i < n; i++) {
      int port = servers.get(i).port();
      first.call(c -> c.clusterMeet(FreePorts.HOST, port));
    }
    Polling.await(
        "every node knowing every other node",
        remaining(deadline),
        () -> {
          for (ManagedServer server : servers) {
            ClusterView view = ClusterView.parse(server.call(c -> c.clusterNodes()));
            long members =
                view.entries().stream().filter(e -> !e.flags().contains("handshake")).count();
            if (members < n) {
              return server + " knows " + members + " of " + n + " nodes";
            }
          }
          return null;
        });
    for (int r = primaries; r < n; r++) {
      ManagedServer replica = servers.get(r);
      String primaryId = ids.get((r - primaries) % primaries);
      Polling.await(
          replica + " replicating " + primaryId,
          remaining(deadline),
          () -> {
            replica.call(c -> c.clusterReplicate(primaryId));
            return null;
          });
    }
    return ids;
  }

  @SuppressWarnings("unchecked") // generic varargs of Range
  private static String addSlots(
      RedisCommands<String, String> c, int from, int to, RedisVersion version) {
    return version.isRedis7OrNewer()
        ? c.clusterAddSlotsRange(Range.create(from, to))
        : c.clusterAddSlots(IntStream.rangeClosed(from, to).toArray());
  }

  /** Returns every node, in a fixed order, whatever its role or state. */
  public List<RedisNode> nodes() {
    return nodes;
  }

  /**
   * Returns the running primaries as of the last successful health check, ordered by the first slot
   * each serves.
   */
  public List<RedisNode> primaries() {
    return layout.primaries();
  }

  /** Returns the running replicas as of the last successful health check, in node order. */
  public List<RedisNode> replicas() {
    return layout.replicas();
  }

  /**
   * Returns a replica of {@code primary} as of the last successful health check, or null if it has
   * none (with one replica per primary: after that replica was promoted, until the old primary
   * rejoins).
   */
  public @Nullable RedisNode replicaOf(RedisNode primary) {
    requireOwn(primary);
    return layout.primaryOf().entrySet().stream()
        .filter(e -> e.getValue() == primary)
        .map(Map.Entry::getKey)
        .min(Comparator.comparingInt(RedisNode::index))
        .orElse(null);
  }

  /**
   * Disconnects the pub/sub clients of every running node: messages published until each
   * resubscribes are lost to it. Returns how many were disconnected.
   */
  public long killPubSubClients() {
    long killed = 0;
    for (RedisNode node : nodes) {
      if (node.isAlive()) {
        killed += node.killPubSubClients();
      }
    }
    return killed;
  }

  /**
   * Takes a whole shard down: kills {@code primary} and its replicas (SIGKILL), so the shard's
   * slots are unserved ({@code CLUSTERDOWN}) and its data is gone; returns the nodes killed, for
   * {@link RedisNode#restart()}.
   */
  public List<RedisNode> killShard(RedisNode primary) {
    List<RedisNode> shard = new ArrayList<>();
    shard.add(primary);
    for (RedisNode node : nodes) {
      if (layout.primaryOf().get(node) == primary) {
        shard.add(node);
      }
    }
    shard.forEach(RedisNode::kill);
    return shard;
  }

  /**
   * Moves {@code count} slots of {@code from} to {@code to}, both primaries, with their keys, the
   * way {@code redis-cli --cluster reshard} does (IMPORTING / MIGRATING, {@code MIGRATE} of every
   * key, then the new owner announced to itself, the old owner and the other primaries, in that
   * order), one slot after another, so clients under traffic see {@code ASK} and {@code MOVED}
   * redirections. Returns the slots moved.
   */
  public synchronized List<Integer> migrateSlots(RedisNode from, RedisNode to, int count) {
    checkOpen();
    requireOwn(from);
    requireOwn(to);
    int[] owners = layout.slotOwnerPorts();
    List<Integer> moved = new ArrayList<>();
    for (int slot = 0; slot < owners.length && moved.size() < count; slot++) {
      if (owners[slot] != from.port()) {
        continue;
      }
      move(slot, from, to);
      moved.add(slot);
    }
    return moved;
  }

  /**
   * Moves one {@code slot} with its keys to {@code to}, a primary, from the primary that serves it
   * (as of the last health check), the way {@link #migrateSlots} moves each of its slots, then
   * waits until every node agrees and records the new layout.
   *
   * @throws IllegalArgumentException if {@code to} serves the slot already
   */
  public synchronized void migrateSlot(int slot, RedisNode to) {
    checkOpen();
    requireOwn(to);
    int port = layout.slotOwnerPorts()[slot];
    RedisNode from =
        nodes.stream()
            .filter(n -> n.port() == port)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no node serves slot " + slot));
    if (from.equals(to)) {
      throw new IllegalArgumentException(to + " serves slot " + slot + " already");
    }
    move(slot, from, to);
    awaitHealthy(Duration.ofSeconds(30)); // and read the new layout
  }

  private void move(int s, RedisNode from, RedisNode to) {
    to.server().call(c -> c.clusterSetSlotImporting(s, from.nodeId()));
    from.server().call(c -> c.clusterSetSlotMigrating(s, to.nodeId()));
    while (true) {
      List<String> keys = from.server().call(c -> c.clusterGetKeysInSlot(s, 100));
      if (keys.isEmpty()) {
        break;
      }
      from.server()
          .call(
              c ->
                  c.migrate(
                      to.host(),
                      to.port(),
                      0,
                      5_000,
                      MigrateArgs.Builder.<String>keys(keys).replace()));
    }
    // The new owner first, then the old one, then the rest, as Redis advises: the other order
    // lets the old owner send MOVED to a node still importing, which sends it back.
    to.server().call(c -> c.clusterSetSlotNode(s, to.nodeId()));
    from.server().call(c -> c.clusterSetSlotNode(s, to.nodeId()));
    for (RedisNode node : primaries()) {
      if (node.isAlive() && node.port() != from.port() && node.port() != to.port()) {
        node.server().call(c -> c.clusterSetSlotNode(s, to.nodeId()));
      }
    }
  }

  /**
   * Returns the primary that serves {@code key}'s slot (CRC16 with hash tags, as Redis computes
   * it), as of the last successful health check.
   */
  public RedisNode primaryForKey(String key) {
    int port = layout.slotOwnerPorts()[SlotHash.getSlot(key)];
    return nodes.stream()
        .filter(n -> n.port() == port)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no node serves the slot of " + key));
  }

  /**
   * Returns the URI of one running node, {@code redis://127.0.0.1:port}, enough for a cluster
   * client to discover the rest. Prefers the first node; falls back to another running one if it is
   * down.
   */
  public String seedUri() {
    return nodes.stream().filter(RedisNode::isAlive).findFirst().orElse(nodes.get(0)).uri();
  }

  /** Returns the URIs of all nodes, {@code redis://127.0.0.1:port}, in node order. */
  public List<String> nodeUris() {
    return nodes.stream().map(RedisNode::uri).toList();
  }

  /** Returns the options this cluster was started with. */
  public ClusterOptions options() {
    return options;
  }

  /**
   * Waits until the cluster is healthy (see the class documentation), then records its layout for
   * {@link #primaries()} and friends. After killing a primary, this returns once its replica has
   * taken over.
   *
   * @throws LocalRedisException naming the last problem seen, if not healthy within {@code timeout}
   */
  public synchronized void awaitHealthy(Duration timeout) {
    checkOpen();
    Object[] found = new Object[1];
    Polling.await(
        "Redis Cluster " + nodeUris() + " becoming healthy",
        timeout,
        () -> {
          Object result = probe();
          if (result instanceof Layout) {
            found[0] = result;
            return null;
          }
          return (String) result;
        });
    layout = (Layout) found[0];
  }

  /**
   * Returns the cluster's {@link Layout} if it is healthy now, or a description of the first
   * problem.
   */
  private Object probe() {
    List<RedisNode> live = nodes.stream().filter(RedisNode::isAlive).toList();
    if (live.isEmpty()) {
      return "no node is running";
    }
    Map<Integer, RedisNode> byPort = new HashMap<>();
    live.forEach(n -> byPort.put(n.port(), n));
    // Each node's own word on its role first: INFO replication is authoritative, views may lag
    // behind.
    Map<RedisNode, ClusterView> views = new LinkedHashMap<>();
    Map<RedisNode, Integer> primaryPortOf = new LinkedHashMap<>();
    for (RedisNode node : live) {
      String[] replies =
          node.server()
              .call(c -> new String[] {c.clusterInfo(), c.clusterNodes(), c.info("replication")});
      Map<String, String> info = RedisInfo.fields(replies[0]);
      if (!"ok".equals(info.get("cluster_state"))) {
        return node + " reports cluster_state:" + info.get("cluster_state");
      }
      if (!Integer.toString(ClusterView.SLOTS).equals(info.get("cluster_slots_ok"))) {
        return node + " reports cluster_slots_ok:" + info.get("cluster_slots_ok");
      }
      views.put(node, ClusterView.parse(replies[1]));
      Map<String, String> replication = RedisInfo.fields(replies[2]);
      String role = replication.get("role");
      if ("slave".equals(role)) {
        if (!"up".equals(replication.get("master_link_status"))) {
          return node + " has master_link_status:" + replication.get("master_link_status");
        }
        if (!"0".equals(replication.get("master_sync_in_progress"))) {
          return node + " is still syncing from its primary";
        }
        int primaryPort = Integer.parseInt(replication.getOrDefault("master_port", "-1"));
        if (!byPort.containsKey(primaryPort)) {
          return node + " replicates port " + primaryPort + ", which is not a running node";
        }
        primaryPortOf.put(node, primaryPort);
      } else if (!"master".equals(role)) {
        return node + " has role:" + role;
      }
    }
    int[] consensus = null;
    RedisNode consensusFrom = null;
    for (Map.Entry<RedisNode, ClusterView> v : views.entrySet()) {
      RedisNode node = v.getKey();
      ClusterView view = v.getValue();
      for (RedisNode other : live) {
        Optional<ClusterView.Entry> entry = view.byPort(other.port());
        if (entry.isEmpty()) {
          return node + " does not know " + other;
        }
        ClusterView.Entry e = entry.get();
        if (e.isTroubled() || (!e.isMyself() && !e.connected())) {
          return node
              + " sees "
              + other
              + " as "
              + String.join(",", e.flags())
              + (e.connected() ? "" : ", disconnected");
        }
        Integer primaryPort = primaryPortOf.get(other);
        if (primaryPort == null) {
          if (!e.isPrimary()) {
            return node + " sees " + other + " as a replica, but it is a primary";
          }
        } else {
          String primaryId = view.byPort(primaryPort).map(ClusterView.Entry::id).orElse("?");
          if (e.isPrimary() || !primaryId.equals(e.primaryId())) {
            return node + " does not yet see " + other + " as the replica of port " + primaryPort;
          }
        }
      }
      int[] owners = view.slotOwnerPorts();
      for (int slot = 0; slot < owners.length; slot++) {
        if (owners[slot] < 0) {
          return node + " sees slot " + slot + " served by no healthy primary";
        }
        if (!byPort.containsKey(owners[slot])) {
          return node
              + " sees slot "
              + slot
              + " served by port "
              + owners[slot]
              + ", which is not running";
        }
      }
      if (consensus == null) {
        consensus = owners;
        consensusFrom = node;
      } else if (!Arrays.equals(consensus, owners)) {
        int slot = Arrays.mismatch(consensus, owners);
        return node
            + " sees slot "
            + slot
            + " served by port "
            + owners[slot]
            + ", but "
            + consensusFrom
            + " sees port "
            + consensus[slot];
      }
    }
    if (consensus == null) {
      return "no live node answered"; // unreachable: live is never empty here
    }
    int[] owners = consensus;
    Set<Integer> ownerPorts = Arrays.stream(owners).boxed().collect(Collectors.toSet());
    for (RedisNode node : live) {
      if (!primaryPortOf.containsKey(node) && !ownerPorts.contains(node.port())) {
        // A restarted former primary, before it learns it was replaced and turns into a replica.
        return node + " is a primary without slots";
      }
    }
    Map<RedisNode, RedisNode> primaryOf = new LinkedHashMap<>();
    for (Map.Entry<RedisNode, Integer> e : primaryPortOf.entrySet()) {
      if (!ownerPorts.contains(e.getValue())) {
        return e.getKey() + " replicates port " + e.getValue() + ", which serves no slots";
      }
      primaryOf.put(e.getKey(), byPort.get(e.getValue()));
    }
    Map<Integer, Integer> firstSlot = new HashMap<>();
    for (int slot = owners.length - 1; slot >= 0; slot--) {
      firstSlot.put(owners[slot], slot);
    }
    List<RedisNode> primaries =
        ownerPorts.stream()
            .sorted(Comparator.comparingInt(firstSlot::get))
            .map(byPort::get)
            .toList();
    List<RedisNode> replicas = live.stream().filter(primaryOf::containsKey).toList();
    return new Layout(primaries, replicas, Map.copyOf(primaryOf), owners);
  }

  /**
   * Stops every node gracefully (SIGTERM) and returns once all have exited. The cluster is down.
   */
  public synchronized void stopAll() {
    checkOpen();
    nodes.forEach(n -> n.server().beginStop());
    nodes.forEach(n -> n.server().awaitStopped());
  }

  /**
   * Starts every node that is not running, on its old port and directory, and waits until the
   * cluster is healthy, within {@link ClusterOptions#startupTimeout()}. Data is gone: nothing is
   * persisted.
   *
   * @throws LocalRedisException if a node does not start or the cluster does not become healthy
   */
  public synchronized void startAll() {
    checkOpen();
    long deadline = System.nanoTime() + options.startupTimeout().toNanos();
    List<RedisNode> launched = nodes.stream().filter(n -> n.server().launchIfStopped()).toList();
    for (RedisNode node : launched) {
      node.server().awaitReady(remaining(deadline));
    }
    awaitHealthy(remaining(deadline));
  }

  /**
   * Deletes every key: FLUSHALL on each running node of this cluster that reports itself a primary,
   * and on no other server.
   */
  public synchronized void flushAll() {
    checkOpen();
    for (RedisNode node : nodes) {
      if (node.isAlive()) {
        node.server()
            .call(
                c -> {
                  if ("master".equals(RedisInfo.fields(c.info("replication")).get("role"))) {
                    c.flushall();
                  }
                  return null;
                });
      }
    }
  }

  /**
   * Returns the text of {@code INFO section} from {@code node}, e.g. {@code info(node,
   * "replication")}.
   */
  public String info(RedisNode node, String section) {
    requireOwn(node);
    return node.server().call(c -> c.info(section));
  }

  /**
   * Returns how often each command ran on {@code node} since it started or since {@link
   * #resetStats()}: the {@code calls} of {@code INFO commandstats} by lower-case command name
   * ({@code get}, {@code evalsha}, subcommands as {@code cluster|nodes}). Commands the testkit
   * itself sent are included.
   */
  public Map<String, Long> commandStats(RedisNode node) {
    return RedisInfo.commandCalls(info(node, "commandstats"));
  }

  /** Returns {@link #commandStats(RedisNode)} summed over every running node of the cluster. */
  public Map<String, Long> commandStats() {
    Map<String, Long> total = new LinkedHashMap<>();
    for (RedisNode node : nodes) {
      if (node.isAlive()) {
        commandStats(node).forEach((command, calls) -> total.merge(command, calls, Long::sum));
      }
    }
    return total;
  }

  /** Resets the statistics (CONFIG RESETSTAT) of every running node of this cluster. */
  public void resetStats() {
    for (RedisNode node : nodes) {
      if (node.isAlive()) {
        node.server().call(c -> c.configResetstat());
      }
    }
  }

  /**
   * Destroys every node (SIGKILL; nothing is kept) and deletes their directories. Does nothing on
   * the {@link #shared()} cluster, which the JVM's exit stops, or if already closed.
   */
  @Override
  public void close() {
    if (isShared) {
      log.debug("close() on the shared Redis Cluster ignored; it stops when the JVM exits");
      return;
    }
    if (closed.compareAndSet(false, true)) {
      exitCleanup.run();
      ExitCleanup.unregister(exitCleanup);
    }
  }

  @Override
  public String toString() {
    return "LocalRedisCluster" + nodeUris() + (isShared ? " (shared)" : "");
  }

  private void requireOwn(RedisNode node) {
    if (!nodes.contains(node)) {
      throw new IllegalArgumentException(node + " is not a node of " + this);
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException(this + " is closed");
    }
  }

  private static long millisSince(long nanoTime) {
    return (System.nanoTime() - nanoTime) / 1_000_000;
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  /**
   * Starts a cluster, prints where it is, and keeps it up until standard input closes or the
   * process is stopped (SIGTERM, Ctrl-C); for benchmarks and examples run outside a test. Prints,
   * on standard output:
   *
   * <pre>
   * REDIS_CLUSTER_SEED=redis://127.0.0.1:p1
   * REDIS_CLUSTER_NODES=127.0.0.1:p1,127.0.0.1:p2,...
   * REDIS_CLUSTER_LINKS=p1=l1,p2=l2,...   (with --link-delay-us only)
   * </pre>
   *
   * <p>Options: {@code --primaries N}, {@code --replicas-per-primary N}, {@code --node-timeout-ms
   * N}, {@code --ready-file PATH} (also writes those two lines to PATH, atomically, once the
   * cluster is healthy), {@code --no-stdin} (ignore standard input and run until stopped). Standard
   * input that is {@code /dev/null}, as for a background job or in CI, counts as {@code
   * --no-stdin}. {@code --link-delay-us N} also opens a {@link DelayedLinks} link in front of every
   * node, delaying each direction by N microseconds, and prints which link port stands for which
   * node port; a client maps node addresses to link addresses to go through them.
   */
  public static void main(String[] args) throws Exception {
    ClusterOptions.Builder builder = ClusterOptions.builder();
    @Nullable Path readyFile = null;
    boolean useStdin = true;
    long linkDelayMicros = -1;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--primaries" -> builder.primaries(Integer.parseInt(value(args, ++i, arg)));
        case "--replicas-per-primary" ->
            builder.replicasPerPrimary(Integer.parseInt(value(args, ++i, arg)));
        case "--node-timeout-ms" ->
            builder.nodeTimeout(Duration.ofMillis(Long.parseLong(value(args, ++i, arg))));
        case "--ready-file" -> readyFile = Path.of(value(args, ++i, arg));
        case "--no-stdin" -> useStdin = false;
        case "--link-delay-us" -> linkDelayMicros = Long.parseLong(value(args, ++i, arg));
        default -> {
          System.err.println(
              "usage: LocalRedisCluster [--primaries N] [--replicas-per-primary N]"
                  + " [--node-timeout-ms N] [--ready-file PATH] [--no-stdin]"
                  + " [--link-delay-us N]");
          System.exit(2);
        }
      }
    }
    LocalRedisCluster cluster = start(builder.build());
    String lines =
        "REDIS_CLUSTER_SEED="
            + cluster.seedUri()
            + System.lineSeparator()
            + "REDIS_CLUSTER_NODES="
            + cluster.nodes().stream().map(RedisNode::hostAndPort).collect(Collectors.joining(","))
            + System.lineSeparator();
    if (linkDelayMicros >= 0) {
      DelayedLinks links =
          DelayedLinks.open(
              cluster.nodes().stream().map(n -> new InetSocketAddress(n.host(), n.port())).toList(),
              Duration.ofNanos(linkDelayMicros * 1_000));
      lines += "REDIS_CLUSTER_LINKS=" + links.describe() + System.lineSeparator();
    }
    System.out.print(lines);
    System.out.flush();
    if (readyFile != null) {
      Path absolute = readyFile.toAbsolutePath();
      Path tmp = absolute.resolveSibling(absolute.getFileName() + ".tmp");
      Files.writeString(tmp, lines, StandardCharsets.UTF_8);
      Files.move(
          tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    if (useStdin && !stdinIsDevNull()) {
      System.err.println(
          "Redis Cluster is up; close standard input or stop this process to shut it down.");
      InputStream in = System.in;
      byte[] buffer = new byte[1024];
      while (in.read(buffer) >= 0) {
        // Discard input until end of stream.
      }
      cluster.close();
      System.exit(0);
    } else {
      System.err.println("Redis Cluster is up; stop this process (SIGTERM) to shut it down.");
      new CountDownLatch(1).await();
    }
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static boolean stdinIsDevNull() {
    try {
      return Files.isSameFile(Path.of("/proc/self/fd/0"), Path.of("/dev/null"));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
