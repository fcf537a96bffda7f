package io.github.tieredcache.redis.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real standalone Redis server on this machine, on a free 127.0.0.1 port, for tests of the
 * non-cluster mode. Same binary discovery and server settings as {@link LocalRedisCluster}: nothing
 * is persisted, DEBUG is available from loopback (Redis 7+).
 *
 * <p>Use {@link #shared()} for the one server all tests of a JVM share, and {@link #start()} for a
 * private one a test may stop, kill or restart and must {@link #close()}.
 *
 * <p>Thread-safe; lifecycle operations are serialized.
 */
public final class LocalRedisServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalRedisServer.class);
  private static final Duration STARTUP_TIMEOUT = ClusterOptions.DEFAULT_STARTUP_TIMEOUT;

  private static final Object SHARED_LOCK = new Object();
  private static @Nullable LocalRedisServer shared;
  private static @Nullable LocalRedisException sharedFailure;

  private final ManagedServer server;
  private final boolean isShared;
  private final Runnable exitCleanup;
  private final AtomicBoolean closed = new AtomicBoolean();

  private LocalRedisServer(ManagedServer server, boolean isShared, Runnable exitCleanup) {
    this.server = server;
    this.isShared = isShared;
    this.exitCleanup = exitCleanup;
  }

  /**
   * Returns the server shared by everything in this JVM: started on the first call, stopped when
   * the JVM exits. {@link #close()} on it does nothing; if it is found not running, this call
   * restarts it.
   *
   * @throws LocalRedisException if no redis-server can be found or it does not start
   */
  public static LocalRedisServer shared() {
    synchronized (SHARED_LOCK) {
      if (sharedFailure != null) {
        throw new LocalRedisException(
            "the shared Redis server failed to start earlier in this JVM: "
                + sharedFailure.getMessage(),
            sharedFailure);
      }
      LocalRedisServer server = shared;
      if (server == null) {
        try {
          server = create(/* isShared= */ true, RedisServerLocator.defaultLauncher());
        } catch (LocalRedisException e) {
          sharedFailure = e;
          throw e;
        }
        shared = server;
      } else if (!server.isAlive()) {
        log.warn("The shared Redis server was found down; restarting it");
        server.restart();
      }
      return server;
    }
  }

  /**
   * Starts a private server and returns once it accepts connections. The caller owns it and must
   * close it; if it does not, the JVM's exit does.
   *
   * @throws LocalRedisException if no redis-server can be found or it does not start within 60 s;
   *     the message ends with the tail of the server's log
   */
  public static LocalRedisServer start() {
    return create(/* isShared= */ false, RedisServerLocator.defaultLauncher());
  }

  /** Starts a private server from {@code launcher}. */
  static LocalRedisServer start(NodeLauncher launcher) {
    return create(/* isShared= */ false, launcher);
  }

  private static LocalRedisServer create(boolean isShared, NodeLauncher launcher) {
    long started = System.nanoTime();
    Path dir;
    try {
      dir = Files.createTempDirectory("tieredcache-redis-server-");
    } catch (IOException e) {
      throw new LocalRedisException("cannot create a temporary directory for the Redis server", e);
    }
    AdminClient admin = new AdminClient();
    ManagedServer server =
        new ManagedServer(
            launcher,
            admin,
            dir,
            /* clusterNode= */ false,
            port -> ServerArgs.standalone(port, dir, launcher.version()));
    AtomicBoolean cleaned = new AtomicBoolean();
    Runnable cleanup =
        () -> {
          if (cleaned.compareAndSet(false, true)) {
            server.destroy();
            admin.close();
            ExitCleanup.deleteRecursively(dir);
          }
        };
    ExitCleanup.register(cleanup);
    try {
      server.launchOnFreePort();
      server.awaitFirstStart(STARTUP_TIMEOUT);
    } catch (RuntimeException e) {
      cleanup.run();
      ExitCleanup.unregister(cleanup);
      throw e instanceof LocalRedisException l
          ? l
          : new LocalRedisException("Redis server did not start: " + e.getMessage(), e);
    }
    log.info(
        "Started Redis server at redis://{}:{} in {} ms with {}",
        FreePorts.HOST,
        server.port(),
        (System.nanoTime() - started) / 1_000_000,
        launcher.description());
    return new LocalRedisServer(server, isShared, cleanup);
  }

  /** Returns the server's URI, {@code redis://127.0.0.1:port}. */
  public String uri() {
    return "redis://" + host() + ":" + port();
  }

  /** Returns the host the server listens on: always {@code 127.0.0.1}. */
  public String host() {
    return FreePorts.HOST;
  }

  /** Returns the server's port, the same across restarts. */
  public int port() {
    return server.port();
  }

  /** Returns the server's log file, for diagnosing a failed test. */
  public Path logFile() {
    return server.logFile();
  }

  /** Returns whether the server's process runs and accepts connections on its port. */
  public boolean isAlive() {
    return server.isAlive();
  }

  /**
   * Shuts the server down gracefully (SIGTERM; nothing is saved) and returns once it has exited.
   */
  public void stop() {
    checkOpen();
    server.stop();
  }

  /** Kills the server with SIGKILL, as a crash would, and returns once the process is gone. */
  public void kill() {
    checkOpen();
    server.kill();
  }

  /**
   * Stops the server if it runs, starts it again on the same port, and returns once it accepts
   * connections. It comes back empty: nothing is persisted.
   *
   * @throws LocalRedisException if it does not come up within 60 s
   */
  public void restart() {
    checkOpen();
    server.restart(STARTUP_TIMEOUT);
  }

  /**
   * Makes the server hold every client command for {@code duration} ({@code CLIENT PAUSE}); returns
   * at once.
   */
  public void pause(Duration duration) {
    long millis = Math.max(1, duration.toMillis());
    server.call(c -> c.clientPause(millis));
  }

  /** Deletes every key of this server (FLUSHALL). */
  public void flushAll() {
    server.call(c -> c.flushall());
  }

  /** Returns the text of {@code INFO section}, e.g. {@code info("server")}. */
  public String info(String section) {
    return server.call(c -> c.info(section));
  }

  /**
   * Returns how often each command ran since the server started or since {@link #resetStats()}: the
   * {@code calls} of {@code INFO commandstats} by lower-case command name. Commands the testkit
   * itself sent ({@code config|get}, {@code info}, ...) are included.
   */
  public Map<String, Long> commandStats() {
    return RedisInfo.commandCalls(info("commandstats"));
  }

  /** Resets the server's statistics (CONFIG RESETSTAT). */
  public void resetStats() {
    server.call(c -> c.configResetstat());
  }

  /**
   * Destroys the server (SIGKILL; nothing is kept) and deletes its directory. Does nothing on the
   * {@link #shared()} server, which the JVM's exit stops, or if already closed.
   */
  @Override
  public void close() {
    if (isShared) {
      log.debug("close() on the shared Redis server ignored; it stops when the JVM exits");
      return;
    }
    if (closed.compareAndSet(false, true)) {
      exitCleanup.run();
      ExitCleanup.unregister(exitCleanup);
    }
  }

  @Override
  public String toString() {
    return "LocalRedisServer[" + uri() + (isShared ? ", shared]" : "]");
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException(this + " is closed");
    }
  }
}
