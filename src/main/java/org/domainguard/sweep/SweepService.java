package org.domainguard.sweep;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.domainguard.apply.MassChangeGuard;
import org.domainguard.discovery.DiscoveryService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of sweeps, one at a time on the whole database: starting (discovering first,
 * de-duplicating concurrent starts), joining the one another daemon started, running, cancelling,
 * draining at shutdown and recording each end — retried with the heartbeat when the database was
 * down. Every daemon takes part in the running sweep, each checking the domains it leases; the
 * last to finish its part records the end. Timers live in {@link SweepSchedule}, operators'
 * single-domain checks in {@link Rechecks}. Runs on one event loop.
 */
public final class SweepService {
  private static final Logger log = LoggerFactory.getLogger(SweepService.class);

  private final Vertx vertx;
  private final DiscoveryService discovery;
  private final SweepStore store;
  private final MassChangeGuard guard;
  private final SweepWork work;
  private final List<Handler<Long>> finished = new ArrayList<>();
  private final List<UnrecordedEnd> unrecordedEnds = new ArrayList<>();
  private SweepRun running;
  /** Completes when the running part has ended and its end is recorded (or could not be). */
  private Future<Void> partEnded = Future.succeededFuture();
  private Future<Long> starting;
  private boolean closed;
  /** The last sweep this daemon joined, so that joining it again (to take over a dead daemon's part) is not logged each time. */
  private long lastJoined = -1;

  public SweepService(Vertx vertx, DiscoveryService discovery, SweepStore store, MassChangeGuard guard, SweepWork work) {
    this.vertx = vertx;
    this.discovery = discovery;
    this.store = store;
    this.guard = guard;
    this.work = work;
  }

  /**
   * A due sweep on schedule: this daemon joins the sweep running on the database, if any;
   * otherwise starts one, none recorded when nothing is due.
   */
  Future<Long> startScheduled() {
    if (running != null || starting != null || closed) {
      return Future.succeededFuture();
    }
    return store.running().compose(r -> {
      if (r != null) {
        joinIfIdle(r);
        return Future.succeededFuture(r.id());
      }
      // Another daemon may start one at the same moment: the loser joins it at its next look.
      return start(Scope.DUE, Trigger.SCHEDULE, true)
          .recover(e -> e instanceof SweepConflictException c ? Future.succeededFuture(c.runningId()) : Future.failedFuture(e));
    });
  }

  /**
   * Follows the sweep running on the database, every fleet heartbeat: joins one this daemon takes no
   * part in (an operator's started elsewhere, or one whose daemons died: their domains are taken
   * over), and stops this daemon's part of one that ended elsewhere (an operator cancelled it at
   * another daemon, or it failed there).
   */
  Future<Void> followFleet() {
    if (closed || starting != null) {
      return Future.succeededFuture();
    }
    SweepRun seen = running;
    return store.running().map(r -> {
      if (seen == null) {
        if (r != null) {
          joinIfIdle(r);
        }
      } else if (running == seen && (r == null || r.id() != seen.id())) {
        log.info("sweep ended on another daemon; stopping this daemon's part sweep={}", seen.id());
        seen.cancel();
      }
      return null;
    });
  }

  /**
   * Another daemon died (or left): the running part looks again from the start of the due domains
   * at its next page, where the domains the dead daemon held leased wait to be taken over.
   */
  public void daemonDeparted() {
    if (running != null) {
      running.lookFromTheStart();
    }
  }

  private void joinIfIdle(SweepRecord r) {
    if (running != null || starting != null || closed || unrecordedEnds.stream().anyMatch(e -> e.id() == r.id())) {
      return;
    }
    Scope scope = Scope.of(r.scope());
    if (r.id() != lastJoined) {
      log.info("sweep joined sweep={} scope={} total={}", r.id(), r.scope(), r.total());
      lastJoined = r.id();
    }
    launch(new SweepRun(vertx, r.id(), scope == null ? Scope.DUE : scope, Trigger.of(r.trigger()), r.startedAt(), r.total(), work));
  }

  /** The end of a sweep that could not be written (database down), kept until it is. */
  private record UnrecordedEnd(long id, String state, Instant at, String error) {}

  /**
   * Keeps the running sweep's heartbeat fresh, forgets the guard's stale windows, and writes the ends
   * that could not be written before, so a sweep failed by an outage says why.
   */
  Future<Void> heartbeat() {
    Future<Void> beat = (running == null ? Future.<Void>succeededFuture() : store.heartbeat(running.id()))
        .compose(v -> guard.dropStaleWindows());
    return beat.compose(v -> {
      Future<Void> chain = Future.succeededFuture();
      for (UnrecordedEnd end : new ArrayList<>(unrecordedEnds)) {
        chain = chain.compose(x -> store.finish(end.id(), end.state(), end.at(), end.error()).onSuccess(y -> unrecordedEnds.remove(end)));
      }
      return chain;
    });
  }

  /**
   * Starts a sweep and completes with its id once it is recorded; fails with
   * {@link SweepConflictException} while one runs, here or on another daemon.
   */
  public Future<Long> start(Scope scope, Trigger trigger) {
    return start(scope, trigger, false);
  }

  private Future<Long> start(Scope scope, Trigger trigger, boolean skipIfNothingDue) {
    if (running != null) {
      return Future.failedFuture(new SweepConflictException(running.id()));
    }
    if (starting != null) {
      // Another start is under way: answer with its id once known (or try again if it found nothing due).
      return starting.transform(ar -> ar.succeeded() && ar.result() != null
          ? Future.failedFuture(new SweepConflictException(ar.result()))
          : start(scope, trigger, skipIfNothingDue));
    }
    Future<Long> attempt = discovery.discover().compose(n -> begin(scope, trigger, skipIfNothingDue, work.clock().instant()));
    starting = attempt;
    attempt.onComplete(ar -> {
      if (starting == attempt) {
        starting = null;
      }
    });
    return attempt;
  }

  /** After discovery: the sweep covers what is due now, so domains discovery just made due are included. */
  private Future<Long> begin(Scope scope, Trigger trigger, boolean skipIfNothingDue, Instant cutoff) {
    DueSource source = work.source();
    return store.running()
        .compose(r -> r == null ? Future.<Void>succeededFuture() : Future.failedFuture(new SweepConflictException(r.id())))
        .compose(v -> scope == Scope.ALL ? source.makeAllDue(cutoff) : Future.<Void>succeededFuture())
        .compose(v -> source.countDue(cutoff))
        .compose(total -> {
          if (total == 0 && skipIfNothingDue) {
            work.metrics().sweepSucceeded(work.clock().instant().getEpochSecond());
            return Future.succeededFuture((Long) null);
          }
          return store.create(scope.label(), trigger.label(), total, cutoff)
              .compose(id -> (trigger == Trigger.SCHEDULE ? Future.<Void>succeededFuture() : guard.sweepStarted(id, total)).map(id))
              .map(id -> {
                log.info("sweep started sweep={} scope={} trigger={} total={}", id, scope.label(), trigger.label(), total);
                lastJoined = id;
                launch(new SweepRun(vertx, id, scope, trigger, cutoff, total, work));
                return id;
              });
        });
  }

  private void launch(SweepRun run) {
    running = run;
    log.debug("sweep part started sweep={} scope={} trigger={} total={}", run.id(), run.scope().label(), run.trigger().label(), run.progress().total());
    partEnded = run.start().compose(end -> {
      String state = end.name().toLowerCase();
      String error = run.failure() == null ? null : run.failure().getMessage();
      SweepProgress p = run.progress();
      Instant now = work.clock().instant();
      if (end == SweepRun.End.COMPLETED) {
        work.metrics().sweepSucceeded(now.getEpochSecond());
      }
      UnrecordedEnd record = new UnrecordedEnd(run.id(), state, now, error);
      // Completed: the end is the last taking part's to record. Left by a daemon shutting down: the
      // daemons still alive carry the sweep on; only a daemon alone records it cancelled.
      Future<Boolean> recorded = end == SweepRun.End.COMPLETED ? store.finishLast(record.id(), state, now)
          : end == SweepRun.End.CANCELLED && closed ? store.leave(record.id(), now)
          : store.finish(record.id(), record.state(), record.at(), record.error()).map(true);
      return recorded
          .onSuccess(here -> {
            if (p.done() > 0 || here) {
              log.info("sweep finished sweep={} state={} done={} failed={} changed={} ratePerSecond={} endRecordedHere={}",
                  run.id(), state, p.done(), p.failed(), p.changed(), Math.round(p.ratePerSecond()), here);
            }
            if (here && run.trigger() != Trigger.SCHEDULE) {
              guard.sweepEnded(run.id())
                  .onFailure(e -> log.warn("could not close the guard window of sweep={}; it is dropped with the next", run.id(), e));
            }
          })
          .onFailure(e -> unrecordedEnds.add(record));
    }).transform(ar -> {
      if (ar.failed()) {
        log.warn("could not record the end of sweep={}; retrying with the heartbeat", run.id(), ar.cause());
      }
      running = null;
      // A part that checked nothing and recorded no end (a look for domains left by dead daemons) is no news.
      boolean news = run.progress().done() > 0 || ar.failed() || ar.result();
      if (news) {
        finished.forEach(h -> h.handle(run.id()));
      }
      return Future.succeededFuture();
    });
  }
  /** Called with a sweep's id once it has ended and its end is recorded. */
  public void onSweepFinished(Handler<Long> handler) {
    finished.add(handler);
  }

  /** The running sweep's id and live progress, if one runs. */
  public Optional<RunningSweep> running() {
    SweepRun r = running;
    return r == null ? Optional.empty() : Optional.of(new RunningSweep(r.id(), r.progress()));
  }

  /** A running sweep and its progress. */
  public record RunningSweep(long id, SweepProgress progress) {}

  /** Cancels the running sweep if it has this id; false otherwise. */
  public boolean cancel(long id) {
    if (running == null || running.id() != id) {
      return false;
    }
    running.cancel();
    return true;
  }

  /**
   * For shutdown: no new sweeps, the running one stops taking domains, and what is in flight is
   * checked and written — or, past {@code bound}, left to its lease.
   */
  public Future<Void> drain(Duration bound) {
    closed = true;
    if (running == null) {
      return Future.succeededFuture();
    }
    SweepRun run = running;
    run.cancel();
    Promise<Void> done = Promise.promise();
    partEnded.onComplete(ar -> done.tryComplete());
    vertx.setTimer(bound.toMillis(), t -> {
      if (done.tryComplete()) {
        log.warn("shutdown did not wait for all in-flight checks sweep={}; their leases expire on their own", run.id());
      }
    });
    return done.future();
  }
}
