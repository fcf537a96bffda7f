package io.github.tieredcache.benchmarks;

import io.github.tieredcache.TieredCache;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one {@code getAll} of {@value #KEYS} keys sends to each primary, from {@code INFO
 * commandstats}: the statistics of every primary are reset, one {@code getAll} of keys spread over
 * the cluster (dropped from the L0 first) runs, and the calls of every command are read back per
 * node, with how many of the keys and of their slots each node holds.
 *
 * <p>Usage: {@code BulkCommandCounts --out FILE} (a properties file {@code ResultsReport} reads:
 * {@code <host:port>.keys}, {@code .slots}, {@code .cmd.<command>}). Run by {@code run.sh} with the
 * bulk suite, on the same cluster.
 */
public final class BulkCommandCounts {

  static final int KEYS = 100;

  private BulkCommandCounts() {}

  public static void main(String[] args) throws IOException {
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--out") && i + 1 < args.length) {
        out = Path.of(args[++i]);
      } else {
        throw new IllegalArgumentException("usage: BulkCommandCounts --out FILE");
      }
    }
    if (out == null) {
      throw new IllegalArgumentException("usage: BulkCommandCounts --out FILE");
    }
    Properties counts = new Properties();
    try (RemoteFixture fixture = new RemoteFixture("bench-counts");
        TieredCache<String, Post> cache = fixture.cache("counts")) {
      List<String> keys = new ArrayList<>(KEYS);
      for (int i = 0; i < KEYS; i++) {
        String key = "post:" + i;
        keys.add(key);
        cache.put(key, RemoteFixture.post(i, BenchTiers.HOT_AGE));
      }
      Map<String, Set<Integer>> slotsByNode = new TreeMap<>();
      Map<String, Integer> keysByNode = new TreeMap<>();
      for (String key : keys) {
        int slot = SlotHash.getSlot(key.getBytes(StandardCharsets.UTF_8)); // the key is its tag
        RedisClusterNode node = fixture.raw().getPartitions().getPartitionBySlot(slot);
        String at = node.getUri().getHost() + ":" + node.getUri().getPort();
        slotsByNode.computeIfAbsent(at, n -> new HashSet<>()).add(slot);
        keysByNode.merge(at, 1, Integer::sum);
      }
      keys.forEach(cache.local()::invalidate);
      cache.getAll(keys); // connects and warms every node connection, untimed and uncounted
      keys.forEach(cache.local()::invalidate);
      RedisNodes.onPrimaries(c -> c.configResetstat());

      Map<String, Post> found = cache.getAll(keys);

      Map<String, String> stats = RedisNodes.onPrimaries(c -> c.info("commandstats"));
      if (found.size() != KEYS) {
        throw new IllegalStateException("getAll found " + found.size() + " of " + KEYS + " keys");
      }
      for (Map.Entry<String, String> node : stats.entrySet()) {
        String at = node.getKey();
        counts.setProperty(at + ".keys", String.valueOf(keysByNode.getOrDefault(at, 0)));
        counts.setProperty(
            at + ".slots", String.valueOf(slotsByNode.getOrDefault(at, Set.of()).size()));
        for (String line : node.getValue().split("\r?\n")) {
          // cmdstat_mget:calls=34,usec=...
          if (line.startsWith("cmdstat_")) {
            String command = line.substring("cmdstat_".length(), line.indexOf(':'));
            for (String part : line.substring(line.indexOf(':') + 1).split(",")) {
              if (part.startsWith("calls=")) {
                counts.setProperty(at + ".cmd." + command, part.substring("calls=".length()));
              }
            }
          }
        }
      }
    }
    try (var writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      counts.store(writer, "one getAll of " + KEYS + " keys, INFO commandstats per primary");
    }
    System.out.println("# wrote " + out);
  }
}
