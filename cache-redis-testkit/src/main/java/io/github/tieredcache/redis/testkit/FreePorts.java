package io.github.tieredcache.redis.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * Picks free loopback ports. A port is free when a socket can bind 127.0.0.1 on it; a cluster node
 * also needs its bus port, port + {@value #BUS_PORT_OFFSET}, free and below 65536, so cluster ports
 * stay below {@value #MAX_CLUSTER_PORT}. Ports handed out stay reserved in this JVM until released,
 * so two fixtures started at once never pick the same one; another process can still take a port
 * between the check and the server's bind, which is why servers are started with a retry on
 * "Address already in use".
 *
 * <p>The well-known Redis ports 6379 and 16379 are never handed out: another Redis may live there.
 */
final class FreePorts {

  static final int BUS_PORT_OFFSET = 10_000;

  /** Exclusive upper bound for a cluster node's port. */
  static final int MAX_CLUSTER_PORT = 55_535;

  private static final int ATTEMPTS = 200;
  private static final Set<Integer> RESERVED = ConcurrentHashMap.newKeySet();
  private static final Set<Integer> NEVER = Set.of(6379, 16379);

  /** The only address servers bind. */
  static final String HOST = "127.0.0.1";

  private static final InetAddress LOOPBACK;

  static {
    try {
      LOOPBACK = InetAddress.getByAddress(HOST, new byte[] {127, 0, 0, 1});
    } catch (IOException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private FreePorts() {}

  /**
   * Returns a free port, and with {@code withBusPort} also a free port + 10000, and reserves them.
   */
  static int allocate(boolean withBusPort) {
    return allocate(withBusPort, FreePorts::ephemeralPort);
  }

  /** As {@link #allocate(boolean)}, taking candidates from {@code candidates}. */
  static int allocate(boolean withBusPort, IntSupplier candidates) {
    for (int i = 0; i < ATTEMPTS; i++) {
      int port = candidates.getAsInt();
      if (port <= 0 || NEVER.contains(port) || (withBusPort && port >= MAX_CLUSTER_PORT)) {
        continue;
      }
      if (!RESERVED.add(port)) {
        continue;
      }
      if (!withBusPort) {
        if (isFree(port)) {
          return port;
        }
        RESERVED.remove(port);
        continue;
      }
      int bus = port + BUS_PORT_OFFSET;
      if (!NEVER.contains(bus) && RESERVED.add(bus)) {
        if (isFree(port) && isFree(bus)) {
          return port;
        }
        RESERVED.remove(bus);
      }
      RESERVED.remove(port);
    }
    throw new LocalRedisException("no free loopback port found after " + ATTEMPTS + " attempts");
  }

  /** Releases a port (and its bus port) reserved by {@link #allocate}. */
  static void release(int port, boolean withBusPort) {
    RESERVED.remove(port);
    if (withBusPort) {
      RESERVED.remove(port + BUS_PORT_OFFSET);
    }
  }

  /** Whether a socket can bind 127.0.0.1 on {@code port} right now. */
  static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(LOOPBACK, port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether something accepts TCP connections on 127.0.0.1 at {@code port}. */
  static boolean isListening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(LOOPBACK, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int ephemeralPort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(LOOPBACK, 0), 1);
      return socket.getLocalPort();
    } catch (IOException e) {
      return -1;
    }
  }
}
