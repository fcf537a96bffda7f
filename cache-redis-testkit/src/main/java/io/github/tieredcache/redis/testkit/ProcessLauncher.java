package io.github.tieredcache.redis.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts redis-server as a child process of this JVM from a binary on this machine. */
final class ProcessLauncher implements NodeLauncher {

  /**
   * Where a process's stdout and stderr go: early failures (bad option) never reach the log file.
   */
  static final String CONSOLE_FILE = "console.log";

  private final Path binary;
  private final RedisVersion version;
  private final String origin;

  ProcessLauncher(Path binary, RedisVersion version, String origin) {
    this.binary = binary;
    this.version = version;
    this.origin = origin;
  }

  Path binary() {
    return binary;
  }

  @Override
  public String description() {
    return binary + " (Redis " + version + ", " + origin + ")";
  }

  @Override
  public RedisVersion version() {
    return version;
  }

  @Override
  public NodeProcess launch(List<String> args, Path dir) throws IOException {
    List<String> command = new ArrayList<>(args.size() + 1);
    command.add(binary.toString());
    command.addAll(args);
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(CONSOLE_FILE).toFile()))
            .start();
    // No stdin for the server (CI runs without one); closing the pipe is enough.
    process.getOutputStream().close();
    return new LocalProcess(process);
  }

  private static final class LocalProcess implements NodeProcess {
    private final Process process;

    LocalProcess(Process process) {
      this.process = process;
    }

    @Override
    public boolean isRunning() {
      // The JVM reaps its own children, so the handle knows about exit even where PID 1 does not
      // reap.
      return process.isAlive();
    }

    @Override
    public void terminate() {
      process.destroy();
    }

    @Override
    public void kill() {
      process.destroyForcibly();
    }

    @Override
    public boolean awaitExit(Duration timeout) {
      try {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !process.isAlive();
      }
    }

    @Override
    public void suspend() {
      signal("STOP");
    }

    @Override
    public void resume() {
      signal("CONT");
    }

    private void signal(String name) {
      try {
        Process kill =
            new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                .redirectErrorStream(true)
                .start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
          throw new LocalRedisException("kill -" + name + " " + process.pid() + " failed");
        }
      } catch (IOException e) {
        throw new LocalRedisException("cannot run kill -" + name, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LocalRedisException("interrupted while sending SIG" + name, e);
      }
    }

    @Override
    public String toString() {
      return "pid " + process.pid();
    }
  }
}
