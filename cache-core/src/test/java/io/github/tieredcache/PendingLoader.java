package io.github.tieredcache;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An asynchronous loader whose loads the test completes: each call is counted and hands back a
 * future the test finds in {@link #inProgress}, in call order.
 */
final class PendingLoader implements AsyncLoader<String, String> {

  /** The calls so far; a test may count its other loaders' calls here too. */
  final AtomicInteger calls = new AtomicInteger();

  /** The future of each call, in call order. */
  final List<CompletableFuture<String>> inProgress = new CopyOnWriteArrayList<>();

  @Override
  public CompletableFuture<String> load(String key, Executor executor) {
    calls.incrementAndGet();
    CompletableFuture<String> load = new CompletableFuture<>();
    inProgress.add(load);
    return load;
  }
}
