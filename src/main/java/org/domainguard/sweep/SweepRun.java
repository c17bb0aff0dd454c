package org.domainguard.sweep;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.domainguard.apply.CheckRecord;
import org.domainguard.apply.DomainState;
import org.domainguard.check.CheckDeferredException;
import org.domainguard.check.ProviderAnswer;
import org.domainguard.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sweep in progress. A fixed number of workers (the in-flight cap) each take a due domain,
 * check it and hand the result to the batch writer. Domains are leased from the database a page at
 * a time, so memory holds at most a page plus what is in flight whatever the table size; workers
 * wait when the writer falls behind. A check whose server cannot take a call yet (RDAP: paused by a
 * 429, breaker open, at its limits) gives its worker up: the domain, still leased, is set aside on a
 * timer and comes back to the queue when its server can take it, so no worker ever sits waiting
 * for one server while names on others are due. Runs on one event loop.
 */
final class SweepRun {
  private static final Logger log = LoggerFactory.getLogger(SweepRun.class);

  enum End { COMPLETED, CANCELLED, FAILED }

  private final long id;
  private final Scope scope;
  private final Trigger trigger;
  private final Instant cutoff;
  private final Instant startedAt;
  private final long total;
  private final SweepWork with;
  private final Vertx vertx;
  private final ArrayDeque<DomainState> queue = new ArrayDeque<>();
  /** Domains set aside until their server can take a call, by timer id. */
  private final Map<Long, DomainState> setAside = new HashMap<>();
  /** When this sweep first tried each domain that was set aside (System.nanoTime). */
  private final Map<Long, Long> firstTried = new HashMap<>();
  /** Workers with nothing in the queue wait here for a domain set aside to come back. */
  private Promise<Void> comeBack;
  private final Promise<End> ended = Promise.promise();
  private Future<Void> refilling;
  /** How far this sweep's claims have read in claim order. */
  private DueSource.Position reached = DueSource.Position.START;
  private boolean exhausted;
  private boolean stopping;
  private boolean ending;
  private Throwable failure;
  private int activeWorkers;
  private int pendingWrites;
  private long done;
  private long failed;
  private long changed;

  SweepRun(Vertx vertx, long id, Scope scope, Trigger trigger, Instant cutoff, long total, SweepWork with) {
    this.vertx = vertx;
    this.id = id;
    this.scope = scope;
    this.trigger = trigger;
    this.cutoff = cutoff;
    this.total = total;
    this.with = with;
    this.startedAt = with.clock().instant();
  }

  Future<End> start() {
    with.metrics().sweepProgress(total, 0);
    activeWorkers = with.workers();
    for (int i = 0; i < with.workers(); i++) {
      work();
    }
    return ended.future();
  }

  /** Stops taking domains; what is in flight finishes and is written. */
  void cancel() {
    stopping = true;
    wakeWaitingWorkers();
  }

  private void work() {
    next().onComplete(ar -> {
      if (ar.failed()) {
        fail(ar.cause());
        workerDone();
      } else if (ar.result() == null) {
        workerDone();
      } else {
        DomainState state = ar.result();
        // compose also catches what process throws: no domain is dropped silently.
        Future.succeededFuture(state).compose(this::process).onComplete(processed -> {
          if (processed.failed()) {
            giveBack(state, processed.cause());
          }
          work();
        });
      }
    });
  }

  /**
   * A domain that got no result goes back, still due. A deferred check (breaker or pauses outlasting
   * provider.max-check-wait) is expected; anything else is a bug, which stops the sweep, logged once.
   */
  private void giveBack(DomainState state, Throwable cause) {
    if (cause instanceof CheckDeferredException deferred && deferred.retryIn() != null && !stopping) {
      setAside(state, deferred.retryIn());
      return;
    }
    firstTried.remove(state.id());
    with.source().release(List.of(state.id()))
        .onFailure(e -> log.warn("could not release a lease; it expires on its own sweep={} domain={}", id, state.name(), e));
    if (cause instanceof CheckDeferredException) {
      with.metrics().checkDiscarded(Metrics.DISCARDED_DEFERRED);
      log.debug("check deferred sweep={} domain={} reason={}", id, state.name(), cause.getMessage());
    } else {
      fail(cause);
    }
  }

  /** Keeps {@code state} (and its lease) aside for {@code retryIn}, then puts it back in the queue. */
  private void setAside(DomainState state, Duration retryIn) {
    long ms = Math.max(1, (retryIn.toNanos() + 999_999) / 1_000_000);
    long timer = vertx.setTimer(ms, t -> {
      if (setAside.remove(t) != null) {
        queue.add(state);
        wakeWaitingWorkers();
      }
    });
    setAside.put(timer, state);
  }

  private void wakeWaitingWorkers() {
    Promise<Void> waiting = comeBack;
    comeBack = null;
    if (waiting != null) {
      waiting.complete();
    }
  }

  /** The next leased domain, refilling the queue from the database as it runs low; null when there are no more. */
  private Future<DomainState> next() {
    if (stopping) {
      return Future.succeededFuture(null);
    }
    if (queue.size() <= with.workers() && !exhausted) {
      refill();
    }
    if (!queue.isEmpty()) {
      return Future.succeededFuture(queue.poll());
    }
    if (exhausted && setAside.isEmpty()) {
      return Future.succeededFuture(null);
    }
    if (exhausted) {
      if (comeBack == null) {
        comeBack = Promise.promise();
      }
      return comeBack.future().compose(v -> next());
    }
    return refilling.compose(v -> next());
  }

  /** The next page is claimed from the start of the due domains, not after the position reached. */
  void lookFromTheStart() {
    reached = DueSource.Position.START;
  }

  private void refill() {
    if (refilling != null && !refilling.isComplete()) {
      return;
    }
    refilling = with.source().claim(cutoff, with.pageSize(), reached).map(page -> {
      queue.addAll(page.domains());
      if (page.domains().size() == with.pageSize()) {
        reached = page.reached();
      } else if (reached != DueSource.Position.START) {
        // One last pass from the start picks up leases given back or expired behind the position.
        reached = DueSource.Position.START;
      } else {
        exhausted = true;
      }
      return null;
    });
  }

  private Future<Void> process(DomainState state) {
    long first = firstTried.computeIfAbsent(state.id(), k -> System.nanoTime());
    return with.checker().checkInTurn(state.name(), first).compose(result -> {
      firstTried.remove(state.id());
      CheckRecord record = new CheckRecord(state, result, with.policy().decide(state, result), id);
      pendingWrites++;
      with.writer().submit(record).onComplete(ar -> {
        pendingWrites--;
        if (ar.succeeded()) {
          done++;
          failed += result.answer() instanceof ProviderAnswer.Failure ? 1 : 0;
          changed += ar.result();
          with.metrics().sweepProgress(total, done);
        } else if (!(ar.cause() instanceof LeaseLostException)) {
          // A lost lease (another daemon took the domain over) wrote nothing and is counted by the writer.
          fail(ar.cause());
        }
        maybeEnd();
      });
      return with.writer().room();
    });
  }

  /** A database failure (or a bug) stops the sweep: no more calls whose results could not be written. */
  private void fail(Throwable cause) {
    if (failure == null) {
      failure = cause;
      log.error("sweep stopping after a failure sweep={}", id, cause);
    }
    stopping = true;
    wakeWaitingWorkers();
  }

  private void workerDone() {
    activeWorkers--;
    maybeEnd();
  }

  private void maybeEnd() {
    if (activeWorkers > 0 || pendingWrites > 0 || ending) {
      return;
    }
    ending = true;
    End end = failure != null ? End.FAILED : stopping ? End.CANCELLED : End.COMPLETED;
    // A page being claimed right now lands in the queue when it arrives: release after it.
    Future<Void> settled = refilling == null ? Future.succeededFuture() : refilling.otherwiseEmpty();
    settled.compose(v -> {
      List<Long> untouched = new ArrayList<>();
      queue.forEach(s -> untouched.add(s.id()));
      queue.clear();
      setAside.forEach((timer, s) -> {
        vertx.cancelTimer(timer);
        untouched.add(s.id());
      });
      setAside.clear();
      firstTried.clear();
      return with.source().release(untouched)
          .onFailure(e -> log.warn("could not release leases; they expire on their own sweep={} count={}", id, untouched.size(), e));
    }).onComplete(v -> ended.complete(end));
  }

  long id() {
    return id;
  }

  Scope scope() {
    return scope;
  }

  Trigger trigger() {
    return trigger;
  }

  Throwable failure() {
    return failure;
  }

  /** A snapshot of progress for the API and the terminal. */
  SweepProgress progress() {
    double seconds = Math.max(0.001, Duration.between(startedAt, with.clock().instant()).toMillis() / 1000.0);
    return new SweepProgress(total, done, failed, changed, done / seconds);
  }
}
