package io.github.tieredcache.internal;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The executor that makes a blocking method a view over the asynchronous read path: tasks given to
 * it run on the thread that waits in {@link #await}, the caller's own.
 *
 * <p>A blocking {@code get} passes this executor where the asynchronous one passes the cache's, and
 * then waits for the result here. When the remote tiers miss, the read path hands the load to this
 * executor from a store's I/O thread; that only queues it and wakes the caller, which runs the
 * loader itself and then goes on waiting, now for the write-back-free completion of its read. So
 * the loader runs on the calling thread (as a blocking cache's loader is expected to), the store's
 * I/O thread never runs user code, and there is one implementation of the read path. (gRPC's
 * blocking stubs work the same way.)
 *
 * <p>Used by one caller for one call: make one per call, on the calling thread. The read path gives
 * it only loads, and the awaited future waits for every load it gave, so every task arrives before
 * the future completes; tasks still queued then are run before {@link #await} returns. Waiting is
 * uninterruptible, as {@link CompletableFuture#join()} is; an interrupt is kept and set again on
 * return.
 */
final class CallerRuns implements Executor {

  private final Thread caller = Thread.currentThread();
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>(2); // guarded by this

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      tasks.add(task);
    }
    LockSupport.unpark(caller);
  }

  /**
   * Runs the tasks given to this executor on the calling thread until {@code future} completes,
   * then returns its value or throws its failure: the cause itself when it is unchecked, else a
   * {@link CompletionException}.
   */
  <T> T await(CompletableFuture<T> future) {
    if (Thread.currentThread() != caller) {
      throw new IllegalStateException("CallerRuns.await must be called by the thread that made it");
    }
    boolean interrupted = false;
    if (!future.isDone()) {
      future.whenComplete((value, error) -> LockSupport.unpark(caller));
    }
    while (true) {
      Runnable task = next();
      if (task != null) {
        task.run();
        continue;
      }
      if (future.isDone()) {
        break;
      }
      LockSupport.park(this);
      if (Thread.interrupted()) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return join(future);
  }

  private synchronized @Nullable Runnable next() {
    return tasks.poll();
  }

  /** Joins a completed future, throwing its failure's cause itself where it is unchecked. */
  static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      Throwable cause = LoaderCalls.unwrap(e);
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }
}
