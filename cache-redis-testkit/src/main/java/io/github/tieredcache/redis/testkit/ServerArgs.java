package io.github.tieredcache.redis.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The redis-server command line of a test server: loopback only, nothing persisted, replicas that
 * sync at once and never reload a stale dump, and DEBUG available from loopback where Redis gates
 * it.
 */
final class ServerArgs {

  static final String LOG_FILE = "redis.log";
  static final String CLUSTER_CONFIG_FILE = "nodes.conf";

  private ServerArgs() {}

  static List<String> standalone(int port, Path dir, RedisVersion version) {
    return common(port, dir, version);
  }

  static List<String> clusterNode(
      int port, Path dir, RedisVersion version, Duration nodeTimeout, boolean fullCoverage) {
    List<String> args = common(port, dir, version);
    args.addAll(
        List.of(
            "--cluster-enabled",
            "yes",
            "--cluster-node-timeout",
            Long.toString(nodeTimeout.toMillis()),
            "--cluster-require-full-coverage",
            fullCoverage ? "yes" : "no",
            "--cluster-config-file",
            dir.resolve(CLUSTER_CONFIG_FILE).toString()));
    return args;
  }

  private static List<String> common(int port, Path dir, RedisVersion version) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--port", Integer.toString(port),
                "--bind", FreePorts.HOST,
                "--daemonize", "no",
                "--dir", dir.toString(),
                "--logfile", dir.resolve(LOG_FILE).toString(),
                "--save", "",
                "--appendonly", "no",
                // A replica must finish its first sync before it may fail over: no 5 s default
                // delay.
                "--repl-diskless-sync", "yes",
                "--repl-diskless-sync-delay", "0",
                // A replica writes dump.rdb while syncing from disk, which a restart would reload.
                "--repl-diskless-load", "swapdb"));
    if (version.isRedis7OrNewer()) {
      args.addAll(List.of("--enable-debug-command", "local"));
    }
    return args;
  }
}
