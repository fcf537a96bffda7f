package io.github.tieredcache.redis.testkit;

import io.github.tieredcache.redis.testkit.NodeLauncher.NodeProcess;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One redis-server the fixture owns: its port, directory, process and lifecycle.
 *
 * <p>A server counts as ready only once it answers on its port <em>and</em> reports its own
 * directory ({@code CONFIG GET dir}) as its working directory: a server of someone else that took
 * the port in the meantime is never mistaken for ours, and never receives a command beyond that
 * check. The port can change only during the first start, when another process took it between the
 * check and the bind.
 *
 * <p>Lifecycle methods are synchronized, except {@link #destroy()}, which the JVM's exit hook must
 * be able to run while a start is being waited for. {@link #isAlive()} and {@link #call} are not
 * synchronized either, and may run while another thread restarts the server (they then fail or see
 * it down).
 */
final class ManagedServer {

  private static final Logger log = LoggerFactory.getLogger(ManagedServer.class);
  private static final int FIRST_START_ATTEMPTS = 5;
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

  /** Short: a silent listener on our port must not hold up noticing that our server exited. */
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

  private static final String PORT_TAKEN = "Address already in use";

  private final NodeLauncher launcher;
  private final AdminClient admin;
  private final Path dir;
  private final boolean clusterNode;
  private final IntFunction<List<String>> argsForPort;
  private volatile int port;
  private volatile @Nullable NodeProcess process;
  private final Object ports = new Object();
  private boolean portsReserved;
  private volatile boolean destroyed;
  private long logOffset;
  private long consoleOffset;

  ManagedServer(
      NodeLauncher launcher,
      AdminClient admin,
      Path dir,
      boolean clusterNode,
      IntFunction<List<String>> argsForPort) {
    this.launcher = launcher;
    this.admin = admin;
    this.dir = dir.toAbsolutePath();
    this.clusterNode = clusterNode;
    this.argsForPort = argsForPort;
  }

  int port() {
    return port;
  }

  Path logFile() {
    return dir.resolve(ServerArgs.LOG_FILE);
  }

  /** Picks free ports and launches the server; {@link #awaitFirstStart} then waits for it. */
  synchronized void launchOnFreePort() {
    launchOn(FreePorts.allocate(clusterNode));
  }

  /** Launches the server on {@code port}, which {@link FreePorts} reserved (or a test chose). */
  synchronized void launchOn(int port) {
    synchronized (ports) {
      this.port = port;
      portsReserved = true;
    }
    launch();
  }

  /**
   * Waits until the server launched by {@link #launchOnFreePort} is ready; if it lost its port to
   * another process, moves to new free ports and launches again.
   */
  synchronized void awaitFirstStart(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int attempt = 1; ; attempt++) {
      try {
        awaitReady(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        return;
      } catch (PortTakenException e) {
        if (attempt >= FIRST_START_ATTEMPTS) {
          throw new LocalRedisException(
              "redis-server found its port taken " + attempt + " times in a row" + logTail(), e);
        }
        log.debug("Port {} was taken before redis-server could bind it; moving to another", port);
        synchronized (ports) {
          FreePorts.release(port, clusterNode);
          port = FreePorts.allocate(clusterNode);
        }
        launch();
      }
    }
  }

  /**
   * Stops the server if it runs, starts it again on the same port and directory, and waits until
   * ready.
   */
  synchronized void restart(Duration timeout) {
    if (isRunning()) {
      stop();
    }
    launch();
    try {
      awaitReady(timeout);
    } catch (PortTakenException e) {
      throw new LocalRedisException(
          "cannot restart redis-server: another process took port " + port + logTail(), e);
    }
  }

  /** Launches the server again if it is not running, without waiting; see {@link #awaitReady}. */
  synchronized boolean launchIfStopped() {
    if (isRunning()) {
      return false;
    }
    launch();
    return true;
  }

  /** Asks the server to shut down (SIGTERM) without waiting. */
  synchronized void beginStop() {
    NodeProcess p = process;
    if (p != null && p.isRunning()) {
      p.terminate();
    }
  }

  /** Waits for a server asked to stop; kills it if it takes too long. */
  synchronized void awaitStopped() {
    NodeProcess p = process;
    if (p != null && !p.awaitExit(STOP_TIMEOUT)) {
      log.warn("redis-server on port {} ignored SIGTERM for {}; killing it", port, STOP_TIMEOUT);
      p.kill();
      p.awaitExit(KILL_TIMEOUT);
    }
  }

  /** Shuts the server down gracefully (SIGTERM) and waits for it to exit. */
  synchronized void stop() {
    beginStop();
    awaitStopped();
  }

  /** Kills the server (SIGKILL) and waits for it to exit. */
  synchronized void kill() {
    NodeProcess p = process;
    if (p != null) {
      p.kill();
      if (!p.awaitExit(KILL_TIMEOUT)) {
        log.warn("redis-server on port {} still runs {} after SIGKILL", port, KILL_TIMEOUT);
      }
    }
  }

  /** Freezes the server's process (SIGSTOP); see {@link RedisNode#suspend()}. */
  void suspend() {
    NodeProcess p = process;
    if (p == null || !p.isRunning()) {
      throw new LocalRedisException("redis-server on port " + port + " does not run");
    }
    p.suspend();
  }

  /** Lets a frozen server run again (SIGCONT). */
  void resume() {
    NodeProcess p = process;
    if (p != null && p.isRunning()) {
      p.resume();
    }
  }

  /**
   * Kills the server for good and gives its ports back; the directory is left to the owner. Not
   * synchronized: the JVM's exit hook calls it while another thread may be waiting for the server
   * to start; that thread then fails instead of launching again.
   */
  void destroy() {
    destroyed = true;
    NodeProcess p = process;
    if (p != null) {
      p.kill();
      p.awaitExit(KILL_TIMEOUT);
    }
    synchronized (ports) {
      if (portsReserved) {
        FreePorts.release(port, clusterNode);
        portsReserved = false;
      }
    }
  }

  /** Whether the process runs, by its handle. */
  boolean isRunning() {
    NodeProcess p = process;
    return p != null && p.isRunning();
  }

  /** Whether the process runs and accepts connections on its port. */
  boolean isAlive() {
    return isRunning() && FreePorts.isListening(port);
  }

  /** Runs admin commands on this server over a fresh connection. */
  <T> T call(Function<RedisCommands<String, String>, T> commands) {
    return admin.call(port, commands);
  }

  /**
   * Waits until the server answers as itself; throws with its log tail if it exits or times out.
   */
  synchronized void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "not started";
    while (true) {
      if (destroyed) {
        throw new LocalRedisException("redis-server on port " + port + " was destroyed");
      }
      NodeProcess p = process;
      if (p == null || !p.isRunning()) {
        if (outputSinceLaunch().contains(PORT_TAKEN)) {
          throw new PortTakenException();
        }
        throw new LocalRedisException(
            "redis-server on port "
                + port
                + " exited during startup ("
                + launcher.description()
                + ")"
                + logTail());
      }
      if (FreePorts.isListening(port)) {
        try {
          Map<String, String> reply = admin.call(port, PROBE_TIMEOUT, c -> c.configGet("dir"));
          String reported = reply.get("dir");
          if (isOwnDir(reported)) {
            return;
          }
          // Someone else's server: ours will fail to bind and exit, which the next round sees.
          last = "port " + port + " is answered by a server in " + reported + ", not " + dir;
        } catch (RuntimeException e) {
          last = e.toString();
        }
      } else {
        last = "port " + port + " not accepting connections yet";
      }
      if (System.nanoTime() - deadline > 0) {
        p.kill();
        p.awaitExit(KILL_TIMEOUT);
        throw new LocalRedisException(
            "redis-server on port "
                + port
                + " was not ready within "
                + timeout.toMillis()
                + " ms ("
                + last
                + ")"
                + logTail());
      }
      Polling.sleep(Duration.ofMillis(20));
    }
  }

  private boolean isOwnDir(@Nullable String reported) {
    if (reported == null) {
      return false;
    }
    if (reported.equals(dir.toString())) {
      return true;
    }
    try {
      return Path.of(reported).toRealPath().equals(dir.toRealPath());
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private void launch() {
    if (destroyed) {
      throw new LocalRedisException("redis-server on port " + port + " was destroyed");
    }
    List<String> args = argsForPort.apply(port);
    logOffset = size(logFile());
    consoleOffset = size(dir.resolve(ProcessLauncher.CONSOLE_FILE));
    try {
      NodeProcess launched = launcher.launch(args, dir);
      process = launched;
      if (destroyed) {
        // destroy() ran while this was launching and saw the old process only.
        launched.kill();
        throw new LocalRedisException("redis-server on port " + port + " was destroyed");
      }
    } catch (IOException e) {
      throw new LocalRedisException(
          "could not start redis-server on port "
              + port
              + " with "
              + launcher.description()
              + ": "
              + e.getMessage()
              + logTail(),
          e);
    }
  }

  /**
   * What the server wrote to its log and console since the last launch: an older run may mention
   * PORT_TAKEN.
   */
  private String outputSinceLaunch() {
    return readFrom(logFile(), logOffset)
        + readFrom(dir.resolve(ProcessLauncher.CONSOLE_FILE), consoleOffset);
  }

  private static long size(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static String readFrom(Path file, long offset) {
    if (!Files.isRegularFile(file)) {
      return "";
    }
    try (var channel = Files.newByteChannel(file)) {
      channel.position(Math.min(offset, channel.size()));
      return new String(
          java.nio.channels.Channels.newInputStream(channel).readAllBytes(),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** The last lines of the server's log and console output, formatted for an exception message. */
  String logTail() {
    return logTail(40);
  }

  /** As {@link #logTail()}, with at most {@code lines} lines of the log. */
  String logTail(int lines) {
    StringBuilder sb = new StringBuilder();
    appendTail(sb, logFile(), lines);
    appendTail(sb, dir.resolve(ProcessLauncher.CONSOLE_FILE), 20);
    return sb.toString();
  }

  private static void appendTail(StringBuilder sb, Path file, int lines) {
    if (!Files.isRegularFile(file)) {
      return;
    }
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (all.isEmpty()) {
        return;
      }
      List<String> tail = new ArrayList<>(all.subList(Math.max(0, all.size() - lines), all.size()));
      sb.append(System.lineSeparator())
          .append("--- last ")
          .append(tail.size())
          .append(" lines of ")
          .append(file)
          .append(" ---");
      for (String line : tail) {
        sb.append(System.lineSeparator()).append(line);
      }
    } catch (IOException | RuntimeException e) {
      sb.append(System.lineSeparator())
          .append("(cannot read ")
          .append(file)
          .append(": ")
          .append(e)
          .append(')');
    }
  }

  @Override
  public String toString() {
    return FreePorts.HOST + ":" + port;
  }

  /** The server exited because its port (or cluster bus port) was taken. */
  private static final class PortTakenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PortTakenException() {
      super(PORT_TAKEN, null, false, false);
    }
  }
}
