package io.github.tieredcache;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.tieredcache.codec.ValueCodec;
import io.github.tieredcache.memory.InMemoryTierStore;
import io.github.tieredcache.spi.Invalidation;
import io.github.tieredcache.spi.InvalidationListener;
import io.github.tieredcache.spi.Lookup;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.TierStore;
import io.github.tieredcache.spi.Write;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * A store made of parts may answer a bulk read with {@code null} for the keys of a part that failed
 * (a shard down): only those keys are loaded, the others are served as read, and the failure is
 * counted.
 */
class PartialBulkReadTest {

  @Test
  void onlyTheKeysOfTheFailedPartAreLoadedAndTheFailureIsCounted() {
    InMemoryTierStore memory = new InMemoryTierStore();
    List<String> loaded = new CopyOnWriteArrayList<>();
    try (TieredCache<String, String> cache =
        TieredCache.<String, String>builder()
            .name("posts")
            .store(new DownShard(memory))
            .valueCodec(ValueCodec.utf8())
            .loader(
                key -> {
                  loaded.add(key);
                  return "loaded " + key;
                })
            .executor(Runnable::run)
            .build()) {
      List<String> keys = List.of("up-1", "down-1", "up-2", "down-2");
      for (String key : keys) {
        cache.put(key, "stored " + key);
        cache.local().invalidate(key);
      }

      Map<String, String> found = cache.getAll(keys);

      assertThat(found)
          .containsEntry("up-1", "stored up-1")
          .containsEntry("up-2", "stored up-2")
          .containsEntry("down-1", "loaded down-1")
          .containsEntry("down-2", "loaded down-2");
      assertThat(loaded).containsExactlyInAnyOrder("down-1", "down-2");
      assertThat(cache.stats().remoteErrors()).isPositive();
    }
    memory.close();
  }

  /** Passes every call on, but answers a bulk read with null for every key starting "down-". */
  private static final class DownShard implements TierStore {
    private final TierStore delegate;

    DownShard(TierStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableFuture<Lookup> read(Namespace namespace, byte[] key) {
      return delegate.read(namespace, key);
    }

    @Override
    public CompletableFuture<List<@Nullable Lookup>> readAll(
        Namespace namespace, List<byte[]> keys) {
      return delegate
          .readAll(namespace, keys)
          .thenApply(
              lookups -> {
                List<@Nullable Lookup> partial = new ArrayList<>(lookups);
                for (int i = 0; i < keys.size(); i++) {
                  if (new String(keys.get(i), UTF_8).startsWith("down-")) {
                    partial.set(i, null);
                  }
                }
                return partial;
              });
    }

    @Override
    public CompletableFuture<Boolean> writeIfGeneration(Namespace namespace, Write write) {
      return delegate.writeIfGeneration(namespace, write);
    }

    @Override
    public CompletableFuture<List<Boolean>> writeAllIfGeneration(
        Namespace namespace, List<Write> writes) {
      return delegate.writeAllIfGeneration(namespace, writes);
    }

    @Override
    public CompletableFuture<Boolean> promote(Namespace namespace, Write write) {
      return delegate.promote(namespace, write);
    }

    @Override
    public CompletableFuture<Boolean> move(Namespace namespace, Write write, int from) {
      return delegate.move(namespace, write, from);
    }

    @Override
    public CompletableFuture<Void> put(Namespace namespace, Write write) {
      return delegate.put(namespace, write);
    }

    @Override
    public CompletableFuture<Void> remove(Namespace namespace, byte[] key) {
      return delegate.remove(namespace, key);
    }

    @Override
    public CompletableFuture<Void> removeAll(Namespace namespace, List<byte[]> keys) {
      return delegate.removeAll(namespace, keys);
    }

    @Override
    public CompletableFuture<Void> clear(Namespace namespace) {
      return delegate.clear(namespace);
    }

    @Override
    public CompletableFuture<Void> publish(Namespace namespace, Invalidation message) {
      return delegate.publish(namespace, message);
    }

    @Override
    public AutoCloseable subscribe(Namespace namespace, InvalidationListener listener) {
      return delegate.subscribe(namespace, listener);
    }

    @Override
    public void close() {}
  }
}
