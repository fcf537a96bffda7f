package io.github.tieredcache.redis;

import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.Write;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a store derives once per namespace: its key layout, its epoch, its generation retention and
 * its channel, made on first use and kept.
 *
 * <p>Thread-safe.
 */
final class Namespaces {

  /** One namespace's derived state. */
  static final class State {
    final KeyLayout layout;
    final Epochs.Epoch epoch;
    final byte[] retention;
    final byte[] channel;

    private State(KeyLayout layout, Epochs.Epoch epoch, byte[] retention) {
      this.layout = layout;
      this.epoch = epoch;
      this.retention = retention;
      this.channel = layout.channel().getBytes(StandardCharsets.US_ASCII);
    }

    /** Refuses a write to a tier the namespace does not have. */
    void checkTier(Write write) {
      Objects.requireNonNull(write, "write");
      if (write.tier() >= layout.tierCount()) {
        throw new IllegalArgumentException(
            "tier " + write.tier() + " is not a tier of a namespace with " + layout.tierCount());
      }
    }
  }

  private final String keyPrefix;
  private final Epochs epochs;
  private final Map<Namespace, State> states = new ConcurrentHashMap<>();

  Namespaces(String keyPrefix, Epochs epochs) {
    this.keyPrefix = keyPrefix;
    this.epochs = epochs;
  }

  /** Returns the namespace's state, derived on first use. */
  State of(Namespace namespace) {
    Objects.requireNonNull(namespace, "namespace");
    State ns = states.get(namespace);
    if (ns == null) {
      ns = states.computeIfAbsent(namespace, this::derive);
    }
    return ns;
  }

  private State derive(Namespace namespace) {
    KeyLayout layout = KeyLayout.of(keyPrefix, namespace);
    return new State(
        layout,
        epochs.of(layout.epochKey()),
        RedisTierStore.number(RedisTierStore.millis(namespace.generationRetention())));
  }
}
