package io.github.tieredcache.redis;

import io.github.tieredcache.spi.Invalidation;
import io.github.tieredcache.spi.InvalidationListener;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The invalidation subscriptions of one store, over one Redis pub/sub connection.
 *
 * <p><b>One channel per cache,</b> subscribed once however many listeners it has, and unsubscribed
 * when its last listener leaves. Classic {@code SUBSCRIBE} on any one node hears every classic
 * {@code PUBLISH}, which a cluster broadcasts to every node. On a Redis 7 cluster the channel is
 * also subscribed sharded ({@code SSUBSCRIBE}) on the primary owning its slot, where the store
 * publishes ({@code SPUBLISH}, which stays on that shard); {@link ShardedChannels} keeps it there.
 * The classic subscription is kept as well, so an instance that publishes classic (a server that
 * refused {@code SPUBLISH}, during an upgrade) is still heard.
 *
 * <p><b>(Re)subscription.</b> Lettuce reconnects a dropped connection and subscribes its channels
 * again; every confirmation arrives as {@link #subscribed}, which tells the channel's listeners
 * {@link InvalidationListener#onSubscribed()}. If the first {@code SUBSCRIBE} cannot be sent (Redis
 * down, connection not made), it is tried again with a growing delay, up to 30 s, until it succeeds
 * or the channel's listeners leave.
 *
 * <p><b>Epoch before the listeners.</b> Every message carries its sender's epoch of the cache
 * ({@link ChannelMessage}), and this store moves to it, if it is newer, before the listeners hear
 * the message: the message that drops every key after a {@code clear} carries the new epoch, and so
 * does every later message and heartbeat of any instance that knows it. Every (re)subscription
 * (after which a {@code clear} may have been missed) rereads the epoch first, as does a message
 * that drops every key from a sender of an earlier release, which carries none. So a listener that
 * empties its L0 on them cannot refill it from the retired epoch's copies.
 *
 * <p><b>Threads.</b> Callbacks arrive on a Lettuce event loop. Nothing here blocks: the epoch is
 * reread asynchronously and each channel's deliveries are chained, so they reach listeners in the
 * order they were published. Listener exceptions are logged and contained.
 */
final class Subscriptions extends RedisPubSubAdapter<byte[], byte[]> {

  private static final Logger log = LoggerFactory.getLogger(Subscriptions.class);
  private static final long MAX_RETRY_DELAY_MILLIS = 30_000;
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final LazyConnection<StatefulRedisPubSubConnection<byte[], byte[]>> connection;
  private final ScheduledExecutorService scheduler;
  private final Map<String, Channel> channels = new ConcurrentHashMap<>();
  private volatile @Nullable ShardedChannels sharded;
  private final AtomicBoolean warnedUndecodable = new AtomicBoolean();
  private volatile boolean closed;

  Subscriptions(
      Supplier<? extends CompletionStage<? extends StatefulRedisPubSubConnection<byte[], byte[]>>>
          connector,
      ScheduledExecutorService scheduler,
      long retryIntervalNanos,
      TopologyRefresh topology) {
    this.scheduler = scheduler;
    this.connection =
        new LazyConnection<>(
            () ->
                connector
                    .get()
                    .thenApply(
                        c -> {
                          c.addListener(this);
                          if (c
                              instanceof StatefulRedisClusterPubSubConnection<byte[], byte[]> cl) {
                            sharded =
                                new ShardedChannels(cl, scheduler, this::shardedRefused, topology);
                          }
                          return (StatefulRedisPubSubConnection<byte[], byte[]>) c;
                        }),
            c -> {
              ShardedChannels s = sharded;
              if (s != null) {
                s.close();
              }
              return c.closeAsync();
            },
            retryIntervalNanos);
  }

  /**
   * Adds {@code listener} to {@code channel}; {@code refreshEpoch} rereads the epoch of the
   * channel's cache, {@code heardEpoch} takes one a message carried. Returns the handle that
   * removes it.
   */
  AutoCloseable subscribe(
      String channel,
      Supplier<CompletableFuture<?>> refreshEpoch,
      LongConsumer heardEpoch,
      InvalidationListener listener) {
    if (closed) {
      throw new IllegalStateException("RedisTierStore is closed");
    }
    Listener handle = new Listener(listener);
    Channel ch;
    boolean fresh;
    synchronized (this) {
      Channel existing = channels.get(channel);
      fresh = existing == null;
      ch = existing != null ? existing : new Channel(channel, refreshEpoch, heardEpoch);
      if (fresh) {
        channels.put(channel, ch);
      }
      ch.listeners.add(handle);
    }
    if (fresh) {
      subscribeOnServer(ch);
    } else if (ch.active) {
      Channel c = ch;
      c.deliver(/* refreshEpochFirst= */ true, handle::subscribed);
    }
    Channel c = ch;
    return () -> unsubscribe(c, handle);
  }

  private void subscribeOnServer(Channel ch) {
    connection
        .get()
        .thenCompose(c -> c.async().subscribe(ch.bytes).toCompletableFuture())
        .whenComplete(
            (ok, error) -> {
              if (error == null) {
                ch.attempts.set(0);
                ShardedChannels s = sharded;
                if (s != null && channels.get(ch.name) == ch) {
                  s.subscribe(ch.name);
                }
              } else {
                retryLater(ch, error);
              }
            });
  }

  private void retryLater(Channel ch, Throwable error) {
    if (closed || channels.get(ch.name) != ch) {
      return;
    }
    long delay =
        Math.min(MAX_RETRY_DELAY_MILLIS, 100L << Math.min(ch.attempts.getAndIncrement(), 9));
    log.debug("Could not subscribe to {}; retrying in {} ms", ch.name, delay, error);
    scheduler.schedule(
        () -> {
          if (!closed && channels.get(ch.name) == ch) {
            subscribeOnServer(ch);
          }
        },
        delay,
        TimeUnit.MILLISECONDS);
  }

  private void unsubscribe(Channel ch, Listener handle) {
    handle.closed = true;
    boolean last;
    synchronized (this) {
      ch.listeners.remove(handle);
      last = ch.listeners.isEmpty() && channels.get(ch.name) == ch;
      if (last) {
        channels.remove(ch.name);
      }
    }
    if (last) {
      ShardedChannels s = sharded;
      if (s != null) {
        s.unsubscribe(ch.name);
      }
      StatefulRedisPubSubConnection<byte[], byte[]> c = connection.now();
      if (c != null) {
        c.async()
            .unsubscribe(ch.bytes)
            .exceptionally(
                e -> {
                  log.debug("Could not unsubscribe from {}", ch.name, e);
                  return null;
                });
      }
    }
  }

  /**
   * Lettuce: a {@code SUBSCRIBE} (first or after a reconnect) was confirmed. Where the channel is
   * sharded, the sharded confirmation is the one that tells the listeners.
   */
  @Override
  public void subscribed(byte[] channel, long count) {
    Channel ch = channels.get(new String(channel, StandardCharsets.US_ASCII));
    if (ch == null) {
      return;
    }
    ch.active = true;
    ShardedChannels s = sharded;
    if (s == null || !s.supported()) {
      tellSubscribed(ch);
    }
  }

  /** Lettuce: an {@code SSUBSCRIBE} (first, again after a move or failover) was confirmed. */
  @Override
  public void ssubscribed(byte[] channel, long count) {
    Channel ch = channels.get(new String(channel, StandardCharsets.US_ASCII));
    if (ch != null) {
      ch.active = true;
      tellSubscribed(ch);
    }
  }

  /** Lettuce: a message arrived on a sharded subscription. */
  @Override
  public void smessage(byte[] channel, byte[] payload) {
    message(channel, payload);
  }

  /** The server refused {@code SSUBSCRIBE}: the classic subscriptions carry everything. */
  private void shardedRefused() {
    for (Channel ch : channels.values()) {
      if (ch.active) {
        tellSubscribed(ch);
      }
    }
  }

  private void tellSubscribed(Channel ch) {
    ch.deliver(
        /* refreshEpochFirst= */ true,
        () -> {
          for (Listener l : ch.listeners) {
            l.subscribed();
          }
        });
  }

  /** Lettuce: a message arrived. */
  @Override
  public void message(byte[] channel, byte[] payload) {
    Channel ch = channels.get(new String(channel, StandardCharsets.US_ASCII));
    if (ch == null) {
      return;
    }
    ChannelMessage received;
    try {
      received = ChannelMessage.decode(payload);
    } catch (IllegalArgumentException e) {
      if (warnedUndecodable.compareAndSet(false, true)) {
        log.warn("Ignoring a message on {} that is not an invalidation (logged once)", ch.name, e);
      }
      return;
    }
    Invalidation message = received.message();
    long epoch = received.epoch();
    ch.deliver(
        /* refreshEpochFirst= */ epoch == ChannelMessage.UNKNOWN && message.isAll(),
        () -> {
          if (epoch != ChannelMessage.UNKNOWN) {
            ch.heardEpoch.accept(epoch);
          }
          for (Listener l : ch.listeners) {
            l.invalidated(message);
          }
        });
  }

  /** Tells every listener of every channel that the store saw {@code what}. */
  void storeFault(String what) {
    for (Channel ch : channels.values()) {
      ch.deliver(
          /* refreshEpochFirst= */ false,
          () -> {
            for (Listener l : ch.listeners) {
              l.storeFault(what);
            }
          });
    }
  }

  /**
   * Returns whether {@code channel} is subscribed on the server (sharded too, where it is) and
   * every listener of it has been told so ({@link InvalidationListener#onSubscribed()} returned);
   * for tests.
   */
  boolean isReady(String channel) {
    Channel ch = channels.get(channel);
    ShardedChannels s = sharded;
    if (ch == null || !ch.active || (s != null && s.supported() && !s.onOwner(channel))) {
      return false;
    }
    for (Listener l : ch.listeners) {
      if (!l.ready) {
        return false;
      }
    }
    return true;
  }

  /** Ends every subscription and closes the connection; completes when it is closed. */
  CompletableFuture<?> close() {
    closed = true;
    channels.clear();
    ShardedChannels s = sharded;
    if (s != null) {
      s.close();
    }
    return connection.close();
  }

  /** One subscribed channel: its listeners and its ordered delivery chain. */
  private static final class Channel {
    final String name;
    final byte[] bytes;
    final Supplier<CompletableFuture<?>> refreshEpoch;
    final LongConsumer heardEpoch;
    final List<Listener> listeners = new CopyOnWriteArrayList<>();
    volatile boolean active;
    final AtomicInteger attempts = new AtomicInteger();
    private CompletableFuture<Void> tail = DONE;

    Channel(String name, Supplier<CompletableFuture<?>> refreshEpoch, LongConsumer heardEpoch) {
      this.name = name;
      this.bytes = name.getBytes(StandardCharsets.US_ASCII);
      this.refreshEpoch = refreshEpoch;
      this.heardEpoch = heardEpoch;
    }

    /** Runs {@code delivery} after every earlier one, rereading the epoch first if asked. */
    synchronized void deliver(boolean refreshEpochFirst, Runnable delivery) {
      CompletableFuture<Void> previous = tail;
      CompletableFuture<Void> ready =
          refreshEpochFirst ? previous.thenCompose(v -> refreshQuietly()) : previous;
      tail = ready.thenRun(delivery);
    }

    private CompletableFuture<Void> refreshQuietly() {
      try {
        return refreshEpoch
            .get()
            .handle(
                (epoch, error) -> {
                  if (error != null) {
                    log.debug("Could not reread the epoch for {}", name, error);
                  }
                  return null;
                });
      } catch (RuntimeException e) {
        log.debug("Could not reread the epoch for {}", name, e);
        return DONE;
      }
    }
  }

  /** One listener's membership of a channel. */
  private static final class Listener {
    final InvalidationListener listener;
    volatile boolean closed;
    volatile boolean ready;

    Listener(InvalidationListener listener) {
      this.listener = listener;
    }

    void subscribed() {
      if (closed) {
        return;
      }
      try {
        listener.onSubscribed();
      } catch (RuntimeException e) {
        log.warn("Invalidation listener {} failed in onSubscribed", listener, e);
      }
      ready = true;
    }

    void storeFault(String what) {
      if (closed) {
        return;
      }
      try {
        listener.onStoreFault(what);
      } catch (RuntimeException e) {
        log.warn("Invalidation listener {} failed on a store fault", listener, e);
      }
    }

    void invalidated(Invalidation message) {
      if (closed) {
        return;
      }
      try {
        listener.onInvalidation(message);
      } catch (RuntimeException e) {
        log.warn("Invalidation listener {} failed on {}", listener, message, e);
      }
    }
  }
}
