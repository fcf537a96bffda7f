package io.github.tieredcache.redis.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerArgsTest {

  private final Path dir = Path.of("/tmp/node-0");

  @Test
  void clusterNodeBindsLoopbackPersistsNothingAndSyncsReplicasAtOnce() {
    List<String> args =
        ServerArgs.clusterNode(
            30001,
            dir,
            new RedisVersion(7, 0, 15),
            Duration.ofMillis(1500),
            /* fullCoverage= */ false);

    assertThat(String.join(" ", args))
        .contains("--port 30001")
        .contains("--bind 127.0.0.1")
        .contains("--save  ")
        .contains("--appendonly no")
        .contains("--repl-diskless-sync yes --repl-diskless-sync-delay 0")
        .contains("--repl-diskless-load swapdb")
        .contains("--cluster-enabled yes --cluster-node-timeout 1500")
        .contains("--cluster-require-full-coverage no")
        .contains("--cluster-config-file /tmp/node-0/nodes.conf")
        .contains("--dir /tmp/node-0")
        .contains("--logfile /tmp/node-0/redis.log")
        .contains("--enable-debug-command local");
    assertThat(args).doesNotContain("--protected-mode");
    // "save" takes one empty argument, not none.
    assertThat(args.get(args.indexOf("--save") + 1)).isEmpty();
  }

  @Test
  void redis6GetsNoDebugGateOptionItWouldRejectAndNoClusterOptionsStandalone() {
    List<String> args = ServerArgs.standalone(6380, dir, new RedisVersion(6, 2, 11));

    assertThat(args).doesNotContain("--enable-debug-command", "--cluster-enabled");
    assertThat(String.join(" ", args))
        .contains("--port 6380")
        .contains("--repl-diskless-load swapdb");
  }
}
