package io.github.tieredcache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tieredcache.spi.Namespace;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslVerifyMode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class RedisTierStoreBuilderTest {

  @Test
  void aStoreNeedsExactlyOneTarget() {
    assertThatThrownBy(() -> RedisTierStore.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("target");
    assertThatThrownBy(
            () -> RedisTierStore.cluster("redis://127.0.0.1:1").standalone("redis://127.0.0.1:2"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already");
  }

  @Test
  void anUnreachableRedisDoesNotFailTheBuildAndOperationsFailFast() {
    // Port 1 on loopback refuses connections at once.
    try (RedisTierStore store =
        RedisTierStore.standalone("redis://127.0.0.1:1")
            .clientResources(TestRedis.RESOURCES)
            .build()) {
      java.util.concurrent.CompletableFuture<?> read =
          store.read(Namespace.of("c", List.of("hot")), new byte[] {1});
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(3)).until(read::isDone);
      assertThatThrownBy(read::join).isInstanceOf(CompletionException.class);
    }
  }

  @Test
  void badNamespacesAreRefusedBeforeAnythingIsSent() {
    try (RedisTierStore store =
        RedisTierStore.standalone("redis://127.0.0.1:1")
            .clientResources(TestRedis.RESOURCES)
            .build()) {
      assertThatThrownBy(() -> store.read(Namespace.of("c", List.of("h{o}t")), new byte[] {1}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("tier name");
    }
  }

  @Test
  void operationsAfterCloseFail() {
    RedisTierStore store =
        RedisTierStore.standalone("redis://127.0.0.1:1")
            .clientResources(TestRedis.RESOURCES)
            .build();
    store.close();
    assertThatThrownBy(() -> store.read(Namespace.of("c", List.of("hot")), new byte[] {1}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  @SuppressWarnings("deprecation") // getUsername/getPassword: the simplest way to read them back
  void urisKeepWhatTheyHadAndGetTheOptionsTimeoutNameCredentialsAndTls() {
    RedisTierStoreOptions options =
        RedisTierStoreOptions.builder()
            .commandTimeout(Duration.ofMillis(250))
            .connectTimeout(Duration.ofSeconds(3))
            .clientName("shop")
            .credentials("app", "pw")
            .tls(true)
            .verifyPeer(false)
            .build();

    RedisURI uri =
        RedisTierStoreBuilder.configure(RedisURI.create("redis://cache.example:6380/3"), options);

    assertThat(uri.getHost()).isEqualTo("cache.example");
    assertThat(uri.getPort()).isEqualTo(6380);
    assertThat(uri.getDatabase()).isEqualTo(3);
    assertThat(uri.getTimeout())
        .as("the URI's timeout bounds the handshake: the connect timeout, not the command timeout")
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(uri.getClientName()).isEqualTo("shop");
    assertThat(uri.getUsername()).isEqualTo("app");
    assertThat(uri.getPassword()).containsExactly('p', 'w');
    assertThat(uri.isSsl()).isTrue();
    assertThat(uri.getVerifyMode()).isEqualTo(SslVerifyMode.NONE);
  }

  @Test
  @SuppressWarnings("deprecation")
  void aRedissUriKeepsTlsAndVerifiesPeersByDefault() {
    RedisURI uri =
        RedisTierStoreBuilder.configure(
            RedisURI.create("rediss://:secret@cache.example:6380"),
            RedisTierStoreOptions.defaults());

    assertThat(uri.isSsl()).isTrue();
    assertThat(uri.getVerifyMode()).isEqualTo(SslVerifyMode.FULL);
    assertThat(uri.getPassword()).containsExactly("secret".toCharArray());
    assertThat(uri.getClientName()).isEqualTo("tiered-cache");
  }
}
