package io.github.tieredcache.redis.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Startup failures and port clashes, on real redis-server processes. */
class ManagedServerIT {

  @TempDir Path dir;

  private AdminClient admin;
  private final List<ManagedServer> servers = new ArrayList<>();

  @BeforeEach
  void open() {
    admin = new AdminClient();
  }

  @AfterEach
  void destroy() {
    servers.forEach(ManagedServer::destroy);
    admin.close();
  }

  private ManagedServer server(boolean clusterNode, List<String> extraArgs) {
    NodeLauncher launcher = RedisServerLocator.defaultLauncher();
    ManagedServer server =
        new ManagedServer(
            launcher,
            admin,
            dir,
            clusterNode,
            port -> {
              List<String> args =
                  clusterNode
                      ? ServerArgs.clusterNode(
                          port, dir, launcher.version(), Duration.ofSeconds(2), true)
                      : ServerArgs.standalone(port, dir, launcher.version());
              args.addAll(extraArgs);
              return args;
            });
    servers.add(server);
    return server;
  }

  @Test
  void serverThatFailsToStartIsDiagnosedWithItsOutputAndLeavesNoProcess() {
    ManagedServer server = server(false, List.of("--no-such-directive", "1"));

    server.launchOnFreePort();

    assertThatThrownBy(() -> server.awaitFirstStart(Duration.ofSeconds(10)))
        .isInstanceOf(LocalRedisException.class)
        .hasMessageContaining("exited during startup")
        .hasMessageContaining("console.log")
        .hasMessageContaining("no-such-directive");
    assertThat(server.isRunning()).isFalse();
  }

  @Test
  void clusterNodeWhosePortWasTakenMovesToAnotherPort() throws IOException {
    try (ServerSocket squatter = new ServerSocket()) {
      squatter.bind(new InetSocketAddress(InetAddress.getByName(FreePorts.HOST), 0));
      int taken = squatter.getLocalPort();
      ManagedServer server = server(true, List.of());

      server.launchOn(taken);
      server.awaitFirstStart(Duration.ofSeconds(20));

      assertThat(server.port()).isNotEqualTo(taken);
      assertThat(server.isAlive()).isTrue();
      String id = server.call(c -> c.clusterMyId());
      assertThat(id).hasSize(40);
    }
  }

  @Test
  void serverThatDoesNotAnswerInTimeIsKilledAndDiagnosed() {
    ManagedServer server = server(false, List.of());
    server.launchOnFreePort();

    assertThatThrownBy(() -> server.awaitReady(Duration.ZERO))
        .isInstanceOf(LocalRedisException.class)
        .hasMessageContaining("was not ready within 0 ms");
    assertThat(server.isRunning()).isFalse();
  }
}
