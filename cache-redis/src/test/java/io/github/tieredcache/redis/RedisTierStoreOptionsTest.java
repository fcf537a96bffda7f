package io.github.tieredcache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisTierStoreOptionsTest {

  @Test
  void defaultsAreTheDocumentedConstants() {
    RedisTierStoreOptions o = RedisTierStoreOptions.defaults();
    assertThat(o.keyPrefix()).isEqualTo("tc");
    assertThat(o.commandTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(o.connectTimeout()).isEqualTo(RedisTierStoreOptions.DEFAULT_CONNECT_TIMEOUT);
    assertThat(o.topologyRefreshPeriod())
        .isEqualTo(RedisTierStoreOptions.DEFAULT_TOPOLOGY_REFRESH_PERIOD);
    assertThat(o.adaptiveRefreshMinInterval())
        .isEqualTo(RedisTierStoreOptions.DEFAULT_ADAPTIVE_REFRESH_MIN_INTERVAL);
    assertThat(o.requestQueueSize()).isEqualTo(RedisTierStoreOptions.DEFAULT_REQUEST_QUEUE_SIZE);
    assertThat(o.maxReconnectDelay()).isEqualTo(RedisTierStoreOptions.DEFAULT_MAX_RECONNECT_DELAY);
    assertThat(o.epochRefreshInterval())
        .isEqualTo(RedisTierStoreOptions.DEFAULT_EPOCH_REFRESH_INTERVAL);
    assertThat(o.clientName()).isEqualTo("tiered-cache");
    assertThat(o.username()).isNull();
    assertThat(o.password()).isNull();
    assertThat(o.tls()).isFalse();
    assertThat(o.verifyPeer()).isTrue();
  }

  @Test
  void illegalSettingsFailFastNamingTheSetting() {
    RedisTierStoreOptions.Builder b = RedisTierStoreOptions.builder();
    assertThatThrownBy(() -> b.commandTimeout(Duration.ZERO))
        .hasMessageContaining("commandTimeout");
    assertThatThrownBy(() -> b.connectTimeout(Duration.ofMillis(-1)))
        .hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> b.topologyRefreshPeriod(Duration.ZERO))
        .hasMessageContaining("topologyRefreshPeriod");
    assertThatThrownBy(() -> b.epochRefreshInterval(Duration.ZERO))
        .hasMessageContaining("epochRefreshInterval");
    assertThatThrownBy(() -> b.requestQueueSize(0)).hasMessageContaining("requestQueueSize");
    assertThatThrownBy(() -> b.keyPrefix("a{b}")).hasMessageContaining("keyPrefix");
    assertThatThrownBy(() -> b.credentials("", "pw")).hasMessageContaining("username");
  }

  @Test
  void toBuilderRoundTripsAndThePasswordIsNeitherSharedNorPrinted() {
    RedisTierStoreOptions o =
        RedisTierStoreOptions.builder()
            .keyPrefix("shop:cache")
            .commandTimeout(Duration.ofMillis(200))
            .credentials("app", "s3cret")
            .tls(true)
            .build();
    assertThat(o.toBuilder().build()).isEqualTo(o).hasSameHashCodeAs(o);
    char[] password = o.password();
    password[0] = 'X';
    assertThat(o.password()).containsExactly('s', '3', 'c', 'r', 'e', 't');
    assertThat(o.toString()).doesNotContain("s3cret").contains("****");
  }
}
