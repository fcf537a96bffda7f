package io.github.tieredcache.redis.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TCP links with a fixed one-way delay in front of Redis servers, so a benchmark can measure on a
 * link where a round trip costs what it costs in a data centre, not on loopback.
 *
 * <p><b>Why in user space.</b> The usual tool, a network namespace with {@code tc qdisc netem
 * delay}, needs the kernel's {@code sch_netem}, and the machines this project runs on have none
 * ({@code CONFIG_NET_SCH_NETEM is not set}, nor {@code fq}, which a BPF delay would need). So each
 * server gets a link on a loopback port of its own: every chunk of bytes read from one side is
 * written to the other side once {@code delay} has passed since it was read, in order, so a
 * pipelined burst is delayed once, as on a wire, not once per command. A client reaches a node
 * through its link by mapping the node's address to the link's ({@link #ports()}; Lettuce's {@code
 * MappingSocketAddressResolver}), so what Redis Cluster announces stays as it is.
 *
 * <p><b>What it costs.</b> Two threads per direction and connection; the delay is met to within the
 * timer slack of a parked thread (tens of microseconds on Linux), so report the round trip you
 * measure through the links, not the one configured.
 *
 * <p>Thread-safe. {@link #close()} closes every link and connection.
 */
public final class DelayedLinks implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DelayedLinks.class);

  private static final int CHUNK = 64 * 1024;
  private static final byte[] END = new byte[0];

  /** Bytes read from one side, due on the other at {@code due} (nanoTime). */
  private record Chunk(long due, byte[] bytes) {}

  private final long delayNanos;
  private final Map<Integer, Integer> ports = new LinkedHashMap<>();
  private final List<ServerSocket> listeners = new ArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private DelayedLinks(Duration oneWay) {
    this.delayNanos = oneWay.toNanos();
  }

  /**
   * Opens one link per target, each delaying every byte by {@code oneWay} in each direction.
   *
   * @throws IllegalArgumentException if {@code oneWay} is negative or a target is not on loopback
   */
  public static DelayedLinks open(List<InetSocketAddress> targets, Duration oneWay) {
    if (oneWay.isNegative()) {
      throw new IllegalArgumentException("oneWay must not be negative: " + oneWay);
    }
    DelayedLinks links = new DelayedLinks(oneWay);
    try {
      for (InetSocketAddress target : targets) {
        if (!target.getAddress().isLoopbackAddress()) {
          throw new IllegalArgumentException("a link is for loopback targets only: " + target);
        }
        links.listen(target);
      }
    } catch (IOException e) {
      links.close();
      throw new UncheckedIOException("could not open a delayed link", e);
    } catch (RuntimeException e) {
      links.close();
      throw e;
    }
    return links;
  }

  /** Returns, for each target's port, the port of its link on 127.0.0.1. */
  public Map<Integer, Integer> ports() {
    return Map.copyOf(ports);
  }

  /** Returns the links as {@code targetPort=linkPort,...}, in target order. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    ports.forEach(
        (from, to) -> b.append(b.length() == 0 ? "" : ",").append(from).append('=').append(to));
    return b.toString();
  }

  private void listen(InetSocketAddress target) throws IOException {
    ServerSocket server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    listeners.add(server);
    ports.put(target.getPort(), server.getLocalPort());
    Thread acceptor =
        new Thread(() -> accept(server, target), "delayed-link-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void accept(ServerSocket server, InetSocketAddress target) {
    while (!closed.get()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (!closed.get()) {
          log.warn("Delayed link {} stopped accepting", server.getLocalPort(), e);
        }
        return;
      }
      try {
        Socket upstream = new Socket();
        upstream.setTcpNoDelay(true);
        upstream.connect(target, 5_000);
        client.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(upstream);
        pipe(client, upstream, "up");
        pipe(upstream, client, "down");
      } catch (IOException e) {
        log.debug("Delayed link could not reach {}", target, e);
        closeQuietly(client);
      }
    }
  }

  /** Copies {@code from} to {@code to}, each chunk written {@code delay} after it was read. */
  private void pipe(Socket from, Socket to, String direction) throws IOException {
    BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    InputStream in = from.getInputStream();
    OutputStream out = to.getOutputStream();
    String name = "delayed-link-" + from.getLocalPort() + "-" + direction;
    Thread reader =
        new Thread(
            () -> {
              byte[] buffer = new byte[CHUNK];
              try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  byte[] chunk = new byte[n];
                  System.arraycopy(buffer, 0, chunk, 0, n);
                  queue.add(new Chunk(System.nanoTime() + delayNanos, chunk));
                }
              } catch (IOException e) {
                // closed
              }
              queue.add(new Chunk(System.nanoTime() + delayNanos, END));
            },
            name + "-read");
    Thread writer =
        new Thread(
            () -> {
              try {
                while (true) {
                  Chunk next = queue.take();
                  long due = next.due();
                  for (long wait = due - System.nanoTime();
                      wait > 0;
                      wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                  }
                  byte[] chunk = next.bytes();
                  if (chunk == END) {
                    to.shutdownOutput();
                    return;
                  }
                  out.write(chunk);
                  out.flush();
                }
              } catch (IOException | InterruptedException e) {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            name + "-write");
    reader.setDaemon(true);
    writer.setDaemon(true);
    reader.start();
    writer.start();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (ServerSocket server : listeners) {
      try {
        server.close();
      } catch (IOException e) {
        // closing
      }
    }
    sockets.forEach(DelayedLinks::closeQuietly);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing
    }
  }
}
