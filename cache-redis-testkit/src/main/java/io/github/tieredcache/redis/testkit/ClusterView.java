package io.github.tieredcache.redis.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** One node's view of the cluster, parsed from its CLUSTER NODES reply. */
final class ClusterView {

  static final int SLOTS = 16_384;

  /**
   * One line of CLUSTER NODES.
   *
   * @param primaryId the id of the primary this node replicates, or null for a primary
   * @param slots inclusive {@code [from, to]} ranges this node serves; migrating/importing marks
   *     skipped
   */
  record Entry(
      String id,
      String host,
      int port,
      Set<String> flags,
      @Nullable String primaryId,
      boolean connected,
      List<int[]> slots) {

    boolean isPrimary() {
      return flags.contains("master");
    }

    boolean isMyself() {
      return flags.contains("myself");
    }

    /** Failed, suspected, still in handshake or without an address: not a healthy member. */
    boolean isTroubled() {
      return flags.contains("fail")
          || flags.contains("fail?")
          || flags.contains("handshake")
          || flags.contains("noaddr");
    }
  }

  private final List<Entry> entries;

  private ClusterView(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** Parses a CLUSTER NODES reply. */
  static ClusterView parse(String clusterNodes) {
    List<Entry> entries = new ArrayList<>();
    for (String line : clusterNodes.split("\r?\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.strip().split(" ");
      if (f.length < 8) {
        throw new IllegalArgumentException("not a CLUSTER NODES line: " + line);
      }
      // 127.0.0.1:30001@40001[,hostname]; a node in handshake may show :0@0
      String address = f[1];
      int comma = address.indexOf(',');
      if (comma >= 0) {
        address = address.substring(0, comma);
      }
      int at = address.indexOf('@');
      if (at >= 0) {
        address = address.substring(0, at);
      }
      int colon = address.lastIndexOf(':');
      String host = address.substring(0, colon);
      int port = Integer.parseInt(address.substring(colon + 1));
      Set<String> flags = Set.of(f[2].split(","));
      String primaryId = f[3].equals("-") ? null : f[3];
      boolean connected = f[7].equals("connected");
      List<int[]> slots = new ArrayList<>();
      for (int i = 8; i < f.length; i++) {
        String s = f[i];
        if (s.startsWith("[")) {
          continue;
        }
        int dash = s.indexOf('-');
        int from = Integer.parseInt(dash < 0 ? s : s.substring(0, dash));
        int to = dash < 0 ? from : Integer.parseInt(s.substring(dash + 1));
        slots.add(new int[] {from, to});
      }
      entries.add(new Entry(f[0], host, port, flags, primaryId, connected, slots));
    }
    return new ClusterView(entries);
  }

  List<Entry> entries() {
    return entries;
  }

  Optional<Entry> byPort(int port) {
    return entries.stream().filter(e -> e.port() == port).findFirst();
  }

  Optional<Entry> byId(String id) {
    return entries.stream().filter(e -> e.id().equals(id)).findFirst();
  }

  Optional<Entry> myself() {
    return entries.stream().filter(Entry::isMyself).findFirst();
  }

  /**
   * Returns, per slot, the port of the primary serving it in this view, or -1 where no healthy
   * primary (one flagged neither failed nor suspected) serves it.
   */
  int[] slotOwnerPorts() {
    int[] owners = new int[SLOTS];
    Arrays.fill(owners, -1);
    for (Entry e : entries) {
      if (!e.isPrimary() || e.isTroubled()) {
        continue;
      }
      for (int[] range : e.slots()) {
        for (int slot = range[0]; slot <= range[1] && slot < SLOTS; slot++) {
          owners[slot] = e.port();
        }
      }
    }
    return owners;
  }
}
