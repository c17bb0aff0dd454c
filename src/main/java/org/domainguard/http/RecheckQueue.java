package org.domainguard.http;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BooleanSupplier;
import org.domainguard.check.CheckAbandonedException;
import org.domainguard.sweep.RecheckOutcome;

/**
 * Operator rechecks waiting or running: at most {@code maxPending} of them (past that a 429 with
 * Retry-After), at most {@link #MAX_RUNNING} running at once, the others waiting in arrival order.
 * A waiting recheck whose client disconnects is dropped at once; a running one is dropped if its
 * client has gone by the time its provider call is due, and once that call is made it runs to its
 * end and is written. Used from the daemon's event loop only.
 */
final class RecheckQueue {
  static final int MAX_RUNNING = 4;
  static final long RETRY_AFTER_SECONDS = 5;
  static final String METRIC = "domainguard_admin_rechecks";

  /** The recheck itself: {@code wanted} is asked right before the provider is called. */
  interface Recheck {
    Future<RecheckOutcome> run(String domain, BooleanSupplier wanted);
  }

  private record Waiting(String domain, BooleanSupplier wanted, Promise<RecheckOutcome> done) {}

  private final Recheck recheck;
  private final int maxPending;
  private final Deque<Waiting> waiting = new ArrayDeque<>();
  private int running;

  RecheckQueue(Recheck recheck, int maxPending, MeterRegistry registry) {
    this.recheck = recheck;
    this.maxPending = maxPending;
    Gauge.builder(METRIC, this, q -> q.running).tag("state", "running")
        .description("Operator rechecks running, or waiting for a running place").register(registry);
    Gauge.builder(METRIC, this, q -> q.waiting.size()).tag("state", "waiting")
        .description("Operator rechecks running, or waiting for a running place").register(registry);
  }

  /** Rechecks {@code domain} for the request {@code ctx} once a running place is free. */
  Future<RecheckOutcome> submit(String domain, RoutingContext ctx) {
    if (running + waiting.size() >= maxPending) {
      return Future.failedFuture(ApiException.tooManyRequests(
          "too many rechecks waiting or running (at most " + maxPending + "); try again shortly", RETRY_AFTER_SECONDS));
    }
    Waiting w = new Waiting(domain, () -> !ctx.response().closed(), Promise.promise());
    waiting.addLast(w);
    ctx.addEndHandler(end -> {
      if (end.failed() && waiting.remove(w)) {
        w.done().fail(new CheckAbandonedException(domain));
      }
    });
    runWaiting();
    return w.done().future();
  }

  private void runWaiting() {
    while (running < MAX_RUNNING && !waiting.isEmpty()) {
      Waiting next = waiting.removeFirst();
      running++;
      recheck.run(next.domain(), next.wanted()).onComplete(ar -> {
        running--;
        next.done().handle(ar);
        runWaiting();
      });
    }
  }
}
