package io.github.tieredcache.redis.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreePortsTest {

  @Test
  void clusterPortHasAFreeBusPortAndStaysBelowTheLimit() {
    int port = FreePorts.allocate(/* withBusPort= */ true);
    try {
      assertThat(port).isLessThan(FreePorts.MAX_CLUSTER_PORT).isNotEqualTo(6379);
      assertThat(FreePorts.isFree(port)).isTrue();
      assertThat(FreePorts.isFree(port + FreePorts.BUS_PORT_OFFSET)).isTrue();
    } finally {
      FreePorts.release(port, true);
    }
  }

  @Test
  void skipsCandidatesWhoseBusPortIsTakenOrOutOfRangeOrTheRedisDefault() throws IOException {
    try (ServerSocket busTaken = bindAny()) {
      int busOccupied = busTaken.getLocalPort() - FreePorts.BUS_PORT_OFFSET;
      int good = freeClusterPortOtherThan(busOccupied);
      Deque<Integer> candidates =
          new ArrayDeque<>(List.of(6379, FreePorts.MAX_CLUSTER_PORT, busOccupied, good));

      int port = FreePorts.allocate(true, candidates::poll);

      try {
        assertThat(port).isEqualTo(good);
      } finally {
        FreePorts.release(port, true);
      }
    }
  }

  @Test
  void skipsACandidateSomeoneListensOn() throws IOException {
    try (ServerSocket taken = bindAny()) {
      int good = freeClusterPortOtherThan(taken.getLocalPort());
      Deque<Integer> candidates = new ArrayDeque<>(List.of(taken.getLocalPort(), good));

      int port = FreePorts.allocate(false, candidates::poll);

      try {
        assertThat(port).isEqualTo(good);
      } finally {
        FreePorts.release(port, false);
      }
    }
  }

  @Test
  void neverHandsOutAReservedPortTwiceUntilReleased() {
    int first = FreePorts.allocate(true);
    try {
      Deque<Integer> candidates =
          new ArrayDeque<>(List.of(first, first + FreePorts.BUS_PORT_OFFSET));
      candidates.add(freeClusterPortOtherThan(first));
      int second = FreePorts.allocate(true, candidates::poll);
      FreePorts.release(second, true);
      assertThat(second).isNotEqualTo(first);

      FreePorts.release(first, true);
      assertThat(FreePorts.allocate(true, () -> first)).isEqualTo(first);
    } finally {
      FreePorts.release(first, true);
    }
  }

  @Test
  void isListeningTellsAnOpenPortFromAClosedOne() throws IOException {
    int closed;
    try (ServerSocket socket = bindAny()) {
      assertThat(FreePorts.isListening(socket.getLocalPort())).isTrue();
      closed = socket.getLocalPort();
    }
    assertThat(FreePorts.isListening(closed)).isFalse();
  }

  private static ServerSocket bindAny() throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.bind(new InetSocketAddress(InetAddress.getByName(FreePorts.HOST), 0));
    return socket;
  }

  /** Finds a port whose bus port is free too, without reserving it. */
  private static int freeClusterPortOtherThan(int other) {
    for (int port = 20_000; port < FreePorts.MAX_CLUSTER_PORT; port += 7) {
      if (port != other
          && FreePorts.isFree(port)
          && FreePorts.isFree(port + FreePorts.BUS_PORT_OFFSET)) {
        return port;
      }
    }
    throw new AssertionError("no free port");
  }
}
