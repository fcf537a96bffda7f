package io.github.tieredcache;

import io.github.tieredcache.spi.Invalidation;
import io.github.tieredcache.spi.InvalidationListener;
import io.github.tieredcache.spi.Lookup;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.TierStore;
import io.github.tieredcache.spi.Write;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A store that passes every call to another, but holds its conditional writes (a load's write-back)
 * until a latch opens, on a thread of its own; for tests that need a slow write-back.
 */
public final class SlowWritesStore implements TierStore {

  private final TierStore delegate;
  private final CountDownLatch open;

  public SlowWritesStore(TierStore delegate, CountDownLatch open) {
    this.delegate = delegate;
    this.open = open;
  }

  private CompletableFuture<Void> opened() {
    return CompletableFuture.runAsync(
        () -> {
          try {
            if (!open.await(30, TimeUnit.SECONDS)) {
              throw new IllegalStateException("the latch never opened");
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        },
        task -> new Thread(task, "slow-writes").start());
  }

  @Override
  public CompletableFuture<Lookup> read(Namespace namespace, byte[] key) {
    return delegate.read(namespace, key);
  }

  @Override
  public CompletableFuture<List<Lookup>> readAll(Namespace namespace, List<byte[]> keys) {
    return delegate.readAll(namespace, keys);
  }

  @Override
  public CompletableFuture<Boolean> writeIfGeneration(Namespace namespace, Write write) {
    return opened().thenCompose(v -> delegate.writeIfGeneration(namespace, write));
  }

  @Override
  public CompletableFuture<List<Boolean>> writeAllIfGeneration(
      Namespace namespace, List<Write> writes) {
    return opened().thenCompose(v -> delegate.writeAllIfGeneration(namespace, writes));
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

  /** Leaves the delegate open: it belongs to the test. */
  @Override
  public void close() {}
}
