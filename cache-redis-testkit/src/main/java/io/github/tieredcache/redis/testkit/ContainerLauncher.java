package io.github.tieredcache.redis.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Starts each redis-server in its own container of the official {@code redis} image, through
 * Testcontainers. This is the only class that touches Testcontainers types; {@link
 * RedisServerLocator} loads it reflectively, so the testkit works without Testcontainers on the
 * classpath.
 *
 * <p>The containers share the host's network ({@code --network host}): a cluster node announces the
 * address it listens on, 127.0.0.1 and a port chosen on this machine, and both the other nodes and
 * the clients of the test must reach it there. Port mapping would break that; host networking needs
 * a Linux Docker engine (or Docker Desktop with host networking turned on). The node's directory is
 * bind-mounted at the same path and the server runs as the directory's owner, so the log, {@code
 * nodes.conf} and restarts behave as with a local process.
 */
final class ContainerLauncher implements NodeLauncher {

  static final String DEFAULT_IMAGE = "redis:7.2";

  /** Assumed when the image tag names no version ({@code latest}, a digest). */
  private static final RedisVersion UNKNOWN_TAG_VERSION = new RedisVersion(7, 0, 0);

  private final DockerImageName image;
  private final RedisVersion version;

  ContainerLauncher(String image) {
    this.image = DockerImageName.parse(image);
    this.version =
        RedisVersion.fromImageTag(this.image.getVersionPart()).orElse(UNKNOWN_TAG_VERSION);
  }

  /**
   * Whether Testcontainers finds a Docker engine; takes a fraction of a second when there is none.
   */
  static boolean isDockerAvailable() {
    return DockerClientFactory.instance().isDockerAvailable();
  }

  @Override
  public String description() {
    return "Docker image "
        + image.asCanonicalNameString()
        + " (Redis "
        + version
        + ", Testcontainers)";
  }

  @Override
  public RedisVersion version() {
    return version;
  }

  @Override
  public NodeProcess launch(List<String> args, Path dir) throws IOException {
    GenericContainer<?> container = container(args, dir);
    try {
      container.start();
    } catch (RuntimeException e) {
      container.stop();
      throw new IOException("container " + image + " did not start: " + e.getMessage(), e);
    }
    return new ContainerProcess(container);
  }

  /** Builds, without starting, the container for one server. */
  GenericContainer<?> container(List<String> args, Path dir) throws IOException {
    String user = Files.getAttribute(dir, "unix:uid") + ":" + Files.getAttribute(dir, "unix:gid");
    String path = dir.toAbsolutePath().toString();
    return new GenericContainer<>(image)
        .withNetworkMode("host")
        .withFileSystemBind(path, path, BindMode.READ_WRITE)
        .withWorkingDirectory(path)
        // Bypass the image's entrypoint, which would switch to its own user and chown /data.
        .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint("redis-server").withUser(user))
        .withCommand(args.toArray(String[]::new))
        .withStartupTimeout(Duration.ofMinutes(2));
  }

  private static final class ContainerProcess implements NodeProcess {
    private final GenericContainer<?> container;

    ContainerProcess(GenericContainer<?> container) {
      this.container = container;
    }

    @Override
    public boolean isRunning() {
      try {
        return container.isRunning();
      } catch (RuntimeException e) {
        return false;
      }
    }

    @Override
    public void terminate() {
      String id = container.getContainerId();
      if (id != null && isRunning()) {
        try {
          container.getDockerClient().stopContainerCmd(id).withTimeout(10).exec();
        } catch (RuntimeException e) {
          // Already gone; stop() below removes what is left.
        }
      }
      container.stop();
    }

    @Override
    public void kill() {
      // Testcontainers kills (SIGKILL) and removes the container.
      container.stop();
    }

    @Override
    public void suspend() {
      // docker pause freezes every process of the container (cgroup freezer), like SIGSTOP.
      container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void resume() {
      container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public boolean awaitExit(Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (isRunning()) {
        if (System.nanoTime() > deadline) {
          return false;
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return !isRunning();
        }
      }
      return true;
    }

    @Override
    public String toString() {
      return "container " + container.getContainerId();
    }
  }
}
