package org.domainguard.app;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a Vert.x future from a command's main thread (never from an event loop), unwrapping
 * its failure so callers see the original exception.
 */
public final class Blocking {
  private Blocking() {}

  public static <T> T await(Future<T> future) {
    return await(future, null);
  }

  /** As {@link #await(Future)}, giving up after {@code bound} (null: wait as long as it takes). */
  public static <T> T await(Future<T> future, Duration bound) {
    try {
      var stage = future.toCompletionStage().toCompletableFuture();
      return bound == null ? stage.get() : stage.get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("gave up waiting after " + bound.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
