package io.github.tieredcache.redis.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;

/** The Docker backend cannot run here (no engine); this checks what it would ask Docker for. */
class ContainerLauncherTest {

  @TempDir Path dir;

  @Test
  void runsTheServerOnTheHostNetworkWithItsDirectoryMountedAtTheSamePath() throws IOException {
    ContainerLauncher launcher = new ContainerLauncher("redis:7.2");
    List<String> args =
        ServerArgs.clusterNode(
            30001, dir, launcher.version(), ClusterOptions.DEFAULT_NODE_TIMEOUT, true);

    try (GenericContainer<?> container = launcher.container(args, dir)) {
      assertThat(container.getNetworkMode()).isEqualTo("host");
      assertThat(container.getCommandParts()).containsExactlyElementsOf(args);
      assertThat(container.getBinds())
          .singleElement()
          .satisfies(
              bind -> {
                assertThat(bind.getPath()).isEqualTo(dir.toAbsolutePath().toString());
                assertThat(bind.getVolume().getPath()).isEqualTo(dir.toAbsolutePath().toString());
              });
      assertThat(container.getWorkingDirectory()).isEqualTo(dir.toAbsolutePath().toString());
    }
  }

  @Test
  void takesTheRedisVersionFromTheImageTag() {
    assertThat(new ContainerLauncher("redis:7.2").version()).isEqualTo(new RedisVersion(7, 2, 0));
    assertThat(new ContainerLauncher("redis:6.2.14-alpine").version())
        .isEqualTo(new RedisVersion(6, 2, 14));
    assertThat(new ContainerLauncher("redis:latest").version().isRedis7OrNewer()).isTrue();
    assertThat(new ContainerLauncher("redis:7.2").description())
        .contains("redis:7.2")
        .contains("Testcontainers");
  }
}
