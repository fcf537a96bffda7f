package io.github.tieredcache.redis.testkit;

import io.lettuce.core.KillArgs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One node of a {@link LocalRedisCluster}: its address, and fault injection on its process.
 *
 * <p>A node keeps its port, directory and {@code nodes.conf} for its whole life, so after {@link
 * #restart()} it rejoins the cluster as the same node (as a replica, if it was a primary that was
 * replaced meanwhile). Whether it is a primary or a replica is a question for {@link
 * LocalRedisCluster#primaries()}, since failovers change it.
 *
 * <p>Thread-safe: the fault-injection methods of one node are serialized.
 */
public final class RedisNode {

  private final ManagedServer server;
  private final String nodeId;
  private final int index;
  private final Duration startupTimeout;

  RedisNode(ManagedServer server, String nodeId, int index, Duration startupTimeout) {
    this.server = server;
    this.nodeId = nodeId;
    this.index = index;
    this.startupTimeout = startupTimeout;
  }

  /** Returns the host the node listens on: always {@code 127.0.0.1}. */
  public String host() {
    return FreePorts.HOST;
  }

  /** Returns the node's client port; its cluster bus listens on this port + 10000. */
  public int port() {
    return server.port();
  }

  /** Returns {@code host:port}, as in {@code REDIS_CLUSTER_NODES} and CLUSTER NODES. */
  public String hostAndPort() {
    return host() + ":" + port();
  }

  /** Returns the node's Redis URI, {@code redis://127.0.0.1:port}. */
  public String uri() {
    return "redis://" + hostAndPort();
  }

  /** Returns the node's cluster node id (CLUSTER MYID), stable across restarts. */
  public String nodeId() {
    return nodeId;
  }

  /** Returns the node's log file, for diagnosing a failed test. */
  public Path logFile() {
    return server.logFile();
  }

  /**
   * Returns whether the node's process runs and accepts connections on its port. Checked by the
   * process handle and the port, never by PID.
   */
  public boolean isAlive() {
    return server.isAlive();
  }

  /**
   * Kills the node with SIGKILL, as a crash would, and returns once the process is gone. Its
   * replica is promoted after the node timeout plus an election delay (about 4–5 s with a 2 s node
   * timeout).
   */
  public void kill() {
    server.kill();
  }

  /** Shuts the node down gracefully (SIGTERM; nothing is saved) and returns once it has exited. */
  public void stop() {
    server.stop();
  }

  /**
   * Stops the node if it runs, starts it again on the same port and directory, and returns once it
   * accepts connections. It rejoins the cluster through its {@code nodes.conf}; use {@link
   * LocalRedisCluster#awaitHealthy(Duration)} to wait until it has resynced.
   *
   * @throws LocalRedisException if it does not come up within the cluster's startup timeout
   */
  public void restart() {
    server.restart(startupTimeout);
  }

  /**
   * Makes the node hold every client command for {@code duration} ({@code CLIENT PAUSE}), as a
   * stalled server would; returns at once. The cluster bus is not paused, so the node keeps its
   * role.
   */
  public void pause(Duration duration) {
    long millis = Math.max(1, duration.toMillis());
    server.call(c -> c.clientPause(millis));
  }

  /**
   * Freezes the node's process (SIGSTOP, or {@code docker pause}): it keeps its sockets open and
   * answers nothing, as a node in a long GC pause or a stalled VM does. Clients' commands wait in
   * its socket buffers and run when it resumes. A node frozen longer than the cluster's node
   * timeout is replaced by its replica only after it resumes (see REDIS-NOTES).
   */
  public synchronized void suspend() {
    server.suspend();
  }

  /** Lets a frozen node run again (SIGCONT, or {@code docker unpause}). */
  public synchronized void resume() {
    server.resume();
  }

  /**
   * Freezes the node for {@code duration} and returns at once; a delayed task resumes it. See
   * {@link #suspend()}.
   */
  public void suspendFor(Duration duration) {
    suspend();
    CompletableFuture.delayedExecutor(duration.toMillis(), TimeUnit.MILLISECONDS)
        .execute(this::resume);
  }

  /**
   * Makes this replica take over from its primary in a coordinated way ({@code CLUSTER FAILOVER}),
   * as an operator does for maintenance; the roles swap in about 0.1 s, with no unavailability.
   */
  public void failover() {
    server.call(c -> c.clusterFailover(false));
  }

  /**
   * Disconnects every pub/sub client of this node ({@code CLIENT KILL TYPE pubsub}): messages
   * published until they resubscribe are lost to them.
   */
  public long killPubSubClients() {
    return server.call(c -> c.clientKill(KillArgs.Builder.typePubsub()));
  }

  /**
   * Saves and reloads the node's data set ({@code DEBUG RELOAD}): for the time it takes the node
   * answers nothing, then briefly {@code LOADING}. Returns once the reload is done.
   */
  public void debugReload() {
    server.call(c -> c.debugReload());
  }

  ManagedServer server() {
    return server;
  }

  int index() {
    return index;
  }

  @Override
  public String toString() {
    return "node-" + index + "@" + hostAndPort();
  }
}
