package io.github.tieredcache.redis.testkit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import java.time.Duration;
import java.util.function.Function;

/**
 * Sends admin commands to the fixture's own servers, each over a short-lived Lettuce connection
 * that is closed right after. No connection outlives a call, so a killed or restarted node leaves
 * nothing behind. Connections use RESP2 and never reconnect: a dead node fails fast instead of
 * queueing commands.
 */
final class AdminClient implements AutoCloseable {

  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

  private final RedisClient client;

  AdminClient() {
    client = RedisClient.create();
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(false)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .protocolVersion(ProtocolVersion.RESP2)
            .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).build())
            .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
            .build());
  }

  /** Runs {@code commands} on the server at 127.0.0.1:{@code port} and returns their result. */
  <T> T call(int port, Function<RedisCommands<String, String>, T> commands) {
    return call(port, COMMAND_TIMEOUT, commands);
  }

  /** As {@link #call(int, Function)}, with a command timeout of {@code timeout}. */
  <T> T call(int port, Duration timeout, Function<RedisCommands<String, String>, T> commands) {
    RedisURI uri =
        RedisURI.builder().withHost(FreePorts.HOST).withPort(port).withTimeout(timeout).build();
    try (StatefulRedisConnection<String, String> connection = client.connect(uri)) {
      return commands.apply(connection.sync());
    }
  }

  @Override
  public void close() {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
