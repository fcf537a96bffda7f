package io.github.tieredcache.redis.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Starts one redis-server with the given arguments: as a local process or in a container. Whatever
 * the backend, the server listens on 127.0.0.1 of this machine and writes its files to {@code dir}.
 */
interface NodeLauncher {

  /** Says where the servers come from, for logs and error messages. */
  String description();

  /**
   * The version of the servers this launcher starts; decides which options and commands are used.
   */
  RedisVersion version();

  /**
   * Starts a server. Returns once the process (or container) runs, not once it accepts connections.
   *
   * @param args the redis-server arguments, without the program name
   * @param dir an existing directory the server owns; its working directory
   */
  NodeProcess launch(List<String> args, Path dir) throws IOException;

  /** A running (or exited) redis-server started by a {@link NodeLauncher}. */
  interface NodeProcess {

    /**
     * Whether the process still runs, by its handle (never by PID: zombies are not reaped here).
     */
    boolean isRunning();

    /** Asks the server to shut down (SIGTERM); does not wait. */
    void terminate();

    /** Kills the server at once (SIGKILL); does not wait. */
    void kill();

    /** Waits up to {@code timeout} for the process to exit; returns whether it has. */
    boolean awaitExit(Duration timeout);

    /** Freezes the process (SIGSTOP): it holds its sockets and answers nothing. */
    void suspend();

    /** Lets a frozen process run again (SIGCONT). */
    void resume();
  }
}
