package io.github.tieredcache.redis.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LocalRedisCluster#main} as the benchmarks' and examples' scripts run it, in its own JVM.
 */
class MainIT {

  @TempDir Path tmp;

  private Process process;

  @AfterEach
  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private Process startMain(ProcessBuilder.Redirect stdin, Path readyFile) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            LocalRedisCluster.class.getName(),
            "--ready-file",
            readyFile.toString())
        .redirectInput(stdin)
        .redirectOutput(tmp.resolve("stdout.txt").toFile())
        .redirectError(tmp.resolve("stderr.txt").toFile())
        .start();
  }

  private Map<String, String> awaitReady(Path readyFile) {
    await("ready file")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> Files.exists(readyFile) || !process.isAlive());
    assertThat(process.isAlive()).as("main still runs; stderr: %s", read("stderr.txt")).isTrue();
    return Arrays.stream(read(readyFile.getFileName().toString()).split("\\R"))
        .map(line -> line.split("=", 2))
        .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
  }

  private String read(String name) {
    try {
      return Files.readString(tmp.resolve(name));
    } catch (IOException e) {
      return "(" + e + ")";
    }
  }

  @Test
  void printsTheClusterAndShutsItDownWhenStdinCloses() throws Exception {
    Path readyFile = tmp.resolve("cluster.env");
    process = startMain(ProcessBuilder.Redirect.PIPE, readyFile);

    Map<String, String> env = awaitReady(readyFile);

    List<String> nodes = List.of(env.get("REDIS_CLUSTER_NODES").split(","));
    assertThat(nodes).hasSize(6).allMatch(n -> n.matches("127\\.0\\.0\\.1:\\d+"));
    assertThat(env.get("REDIS_CLUSTER_SEED")).isEqualTo("redis://" + nodes.get(0));
    assertThat(read("stdout.txt"))
        .contains("REDIS_CLUSTER_NODES=" + env.get("REDIS_CLUSTER_NODES"));
    RedisClusterClient client =
        RedisClusterClient.create(RedisURI.create(env.get("REDIS_CLUSTER_SEED")));
    try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
      c.sync().set("from-main", "yes");
      assertThat(c.sync().get("from-main")).isEqualTo("yes");
    } finally {
      client.shutdown();
    }

    process.getOutputStream().close();

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
    assertThat(nodes)
        .noneMatch(n -> FreePorts.isListening(Integer.parseInt(n.substring(n.indexOf(':') + 1))));
  }

  @Test
  void withStdinFromDevNullRunsUntilTerminatedAndThenCleansUp() throws Exception {
    Path readyFile = tmp.resolve("cluster.env");
    process = startMain(ProcessBuilder.Redirect.from(new File("/dev/null")), readyFile);

    Map<String, String> env = awaitReady(readyFile);
    int seedPort = Integer.parseInt(env.get("REDIS_CLUSTER_SEED").replaceAll(".*:", ""));

    // Standard input at EOF from the start must not end it, as it would for a background job in CI.
    assertThat(process.waitFor(1, TimeUnit.SECONDS)).isFalse();
    assertThat(FreePorts.isListening(seedPort)).isTrue();

    process.destroy();

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> !FreePorts.isListening(seedPort));
  }
}
