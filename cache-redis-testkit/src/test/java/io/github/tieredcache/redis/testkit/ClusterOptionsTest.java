package io.github.tieredcache.redis.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClusterOptionsTest {

  @Test
  void defaultsAreThreePrimariesWithOneReplicaEach() {
    ClusterOptions options = ClusterOptions.defaults();

    assertThat(options.primaries()).isEqualTo(3);
    assertThat(options.replicasPerPrimary()).isEqualTo(1);
    assertThat(options.nodeCount()).isEqualTo(6);
    assertThat(options.nodeTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(options.startupTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(options).isEqualTo(ClusterOptions.builder().build());
  }

  @Test
  void toBuilderChangesOnlyWhatIsSet() {
    ClusterOptions options =
        ClusterOptions.defaults().toBuilder()
            .replicasPerPrimary(2)
            .nodeTimeout(Duration.ofMillis(500))
            .build();

    assertThat(options.nodeCount()).isEqualTo(9);
    assertThat(options.nodeTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(options.primaries()).isEqualTo(3);
    assertThat(options).isNotEqualTo(ClusterOptions.defaults());
    assertThat(options.toString()).contains("replicasPerPrimary=2");
  }

  @Test
  void rejectsLayoutsAndTimeoutsThatCannotWork() {
    ClusterOptions.Builder builder = ClusterOptions.builder();

    assertThatThrownBy(() -> builder.primaries(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.replicasPerPrimary(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.nodeTimeout(Duration.ofMillis(50)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.startupTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
