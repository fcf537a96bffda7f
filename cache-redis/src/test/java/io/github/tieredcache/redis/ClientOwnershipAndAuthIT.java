package io.github.tieredcache.redis;

import static io.github.tieredcache.redis.TestRedis.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tieredcache.redis.testkit.LocalRedisCluster;
import io.github.tieredcache.redis.testkit.LocalRedisServer;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.Write;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Stores on clients the caller owns, and ACL authentication through the options. */
class ClientOwnershipAndAuthIT {

  private static final Duration LONG = Duration.ofMinutes(5);

  @Test
  void aStoreOnTheCallersClusterClientWorksAndLeavesTheClientRunningWhenClosed() {
    RedisClusterClient client =
        RedisClusterClient.create(
            TestRedis.RESOURCES, RedisURI.create(LocalRedisCluster.shared().seedUri()));
    try {
      Namespace ns = TestRedis.uniqueNamespace("hot");
      try (RedisTierStore store = RedisTierStore.using(client).build()) {
        store.put(ns, new Write(ascii("k"), 0, ascii("v"), LONG, 0)).join();
        assertThat(store.read(ns, ascii("k")).join().copy()).isEqualTo(ascii("v"));
      }
      try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
        assertThat(c.sync().ping()).isEqualTo("PONG");
      }
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  @Test
  void aStoreOnTheCallersStandaloneClientWorksAndLeavesTheClientRunningWhenClosed() {
    RedisURI uri = RedisURI.create(LocalRedisServer.shared().uri());
    RedisClient client = RedisClient.create(TestRedis.RESOURCES);
    try {
      Namespace ns = TestRedis.uniqueNamespace("hot");
      try (RedisTierStore store = RedisTierStore.using(client, uri).build()) {
        store.put(ns, new Write(ascii("k"), 0, ascii("v"), LONG, 0)).join();
        assertThat(store.read(ns, ascii("k")).join().copy()).isEqualTo(ascii("v"));
      }
      try (StatefulRedisConnection<String, String> c = client.connect(uri)) {
        assertThat(c.sync().ping()).isEqualTo("PONG");
      }
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  @Test
  void anAclUserAuthenticatesAndAWrongPasswordFailsEveryOperation() {
    try (LocalRedisServer server = LocalRedisServer.start()) {
      TestRedis.onNode(
          server.uri(),
          c ->
              c.sync()
                  .aclSetuser(
                      "cache-user",
                      io.lettuce.core.AclSetuserArgs.Builder.on()
                          .addPassword("s3cret")
                          .allKeys()
                          .allChannels()
                          .allCommands()));
      Namespace ns = TestRedis.uniqueNamespace("hot");

      try (RedisTierStore store =
          RedisTierStore.standalone(server.uri())
              .options(o -> o.credentials("cache-user", "s3cret"))
              .build()) {
        store.put(ns, new Write(ascii("k"), 0, ascii("v"), LONG, 0)).join();
        assertThat(store.read(ns, ascii("k")).join().copy()).isEqualTo(ascii("v"));
      }
      try (RedisTierStore wrong =
          RedisTierStore.standalone(server.uri())
              .options(o -> o.credentials("cache-user", "wrong"))
              .build()) {
        assertThatThrownBy(() -> wrong.read(ns, ascii("k")).join())
            .isInstanceOf(CompletionException.class)
            .cause()
            .as("named as what it is, not as a network problem")
            .isInstanceOf(RedisAuthenticationException.class)
            .hasMessageContaining("authentication failed")
            .hasMessageContaining("user 'cache-user'")
            .hasMessageContaining("WRONGPASS");
      }
    }
  }
}
