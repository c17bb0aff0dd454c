package org.domainguard.check;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds the rate limit as the provider counts it. The token bucket spaces calls as they leave, but
 * the provider sees them later, and not all equally later: the opening burst waits for new
 * connections while later calls reuse warm ones, so they bunch up at the provider. Here each call
 * holds one of {@code rate + burst} slots from the moment it leaves until one second after its
 * answer (by then it has certainly arrived), so at most that many calls can arrive in any one
 * second, whatever the delays. The sustained rate is unaffected while answers take less than
 * {@code burst / rate} seconds.
 */
final class CallWindow {
  private static final long SECOND_MS = 1_000;
  /** Limits above this many calls a second are no provider's quota: no slots are kept for them. */
  static final int MAX_SLOTS = 65_536;

  private final Vertx vertx;
  private final ArrayDeque<Promise<Void>> waiting = new ArrayDeque<>();
  private long slots;
  private long held;

  CallWindow(Vertx vertx, double ratePerSecond, double burst) {
    this.vertx = vertx;
    this.slots = slots(ratePerSecond, burst);
  }

  private static long slots(double ratePerSecond, double burst) {
    long n = (long) Math.floor(ratePerSecond + burst);
    return n > MAX_SLOTS ? Long.MAX_VALUE : Math.max(1, n);
  }

  /** Completes when a slot is free and taken; calls then go out in the order they asked. */
  synchronized Future<Void> acquire() {
    if (held < slots && waiting.isEmpty()) {
      held++;
      return Future.succeededFuture();
    }
    Promise<Void> turn = Promise.promise();
    waiting.add(turn);
    return turn.future();
  }

  /**
   * Holds this daemon's share of the limit from now on. A smaller share frees no slot until enough
   * held ones have been freed; a larger one lets waiting calls go at once.
   */
  void share(double ratePerSecond, double burst) {
    List<Promise<Void>> go = new ArrayList<>();
    synchronized (this) {
      slots = slots(ratePerSecond, burst);
      while (held < slots && !waiting.isEmpty()) {
        held++;
        go.add(waiting.poll());
      }
    }
    go.forEach(Promise::complete);
  }

  /** The call has been answered (or failed): its slot frees one second from now. */
  void answered() {
    boolean unlimited;
    synchronized (this) {
      unlimited = slots == Long.MAX_VALUE;
    }
    if (unlimited) {
      free();
    } else {
      vertx.setTimer(SECOND_MS, id -> free());
    }
  }

  private void free() {
    Promise<Void> next = null;
    synchronized (this) {
      if (held > slots || waiting.isEmpty()) {
        held--;
      } else {
        next = waiting.poll();
      }
    }
    if (next != null) {
      next.complete();
    }
  }
}
