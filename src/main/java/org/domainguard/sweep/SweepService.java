package org.domainguard.sweep;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.domainguard.apply.BatchWriter;
import org.domainguard.apply.CheckRecord;
import org.domainguard.apply.MassChangeGuard;
import org.domainguard.apply.Policy;
import org.domainguard.check.CheckResult;
import org.domainguard.check.DomainChecker;
import org.domainguard.discovery.DiscoveryService;
import org.domainguard.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs sweeps, one at a time per daemon: on schedule (every sweep interval, when anything is due)
 * or on request. A sweep discovers new addresses first. Also serves operators' immediate
 * rechecks, which go through the same limiter, policy and writer. Runs on one event loop.
 */
public final class SweepService {
  private static final Logger log = LoggerFactory.getLogger(SweepService.class);

  private final Vertx vertx;
  private final DiscoveryService discovery;
  private final DueSource source;
  private final SweepStore store;
  private final DomainChecker checker;
  private final Policy policy;
  private final BatchWriter writer;
  private final MassChangeGuard guard;
  private final Metrics metrics;
  private final Clock clock;
  private final int workers;
  private final int pageSize;
  private final Duration staleAfter;
  private final List<Handler<Long>> finished = new ArrayList<>();
  private final List<UnrecordedEnd> unrecordedEnds = new ArrayList<>();
  private SweepRun running;
  private Future<Long> starting;
  private boolean closed;

  public SweepService(Vertx vertx, DiscoveryService discovery, DueSource source, SweepStore store, DomainChecker checker,
      Policy policy, BatchWriter writer, MassChangeGuard guard, Metrics metrics, Clock clock, int workers, int pageSize, Duration staleAfter) {
    this.guard = guard;
    this.vertx = vertx;
    this.discovery = discovery;
    this.source = source;
    this.store = store;
    this.checker = checker;
    this.policy = policy;
    this.writer = writer;
    this.metrics = metrics;
    this.clock = clock;
    this.workers = workers;
    this.pageSize = pageSize;
    this.staleAfter = staleAfter;
  }

  /**
   * Starts a due sweep every {@code interval}, keeps the running sweep's heartbeat fresh, and marks
   * sweeps whose daemon stopped (no heartbeat for a lease) as failed — at start and periodically,
   * since another daemon may die at any time.
   */
  public Future<Void> schedule(Duration interval) {
    long beat = Math.max(1_000, staleAfter.toMillis() / 4);
    vertx.setPeriodic(interval.toMillis(), interval.toMillis(), id -> scheduledSweep());
    vertx.setPeriodic(beat, beat, id -> heartbeat().compose(v -> recordEnds()).compose(v -> abandonStale())
        .onFailure(e -> log.warn("sweep heartbeat failed", e)));
    return abandonStale()
        .compose(n -> store.lastCompleted())
        .onSuccess(last -> {
          if (last != null) {
            metrics.sweepSucceeded(last.getEpochSecond());
          }
        })
        .mapEmpty();
  }

  private Future<Integer> abandonStale() {
    return store.abandonStale(staleAfter).onSuccess(n -> {
      if (n > 0) {
        log.warn("marked sweeps left running by a stopped daemon as failed count={}", n);
      }
    });
  }

  private void scheduledSweep() {
    if (running != null || starting != null || closed) {
      return;
    }
    start("due", "schedule", true).onFailure(e -> log.warn("scheduled sweep could not start; next interval retries", e));
  }

  /** The end of a sweep that could not be written (database down), kept until it is. */
  private record UnrecordedEnd(long id, String state, Instant at, String error) {}

  /** Writes the ends that could not be written before, so a sweep failed by an outage says why. */
  private Future<Void> recordEnds() {
    List<UnrecordedEnd> pending = new ArrayList<>(unrecordedEnds);
    Future<Void> chain = Future.succeededFuture();
    for (UnrecordedEnd end : pending) {
      chain = chain.compose(v -> store.finish(end.id(), end.state(), end.at(), end.error()).onSuccess(x -> unrecordedEnds.remove(end)));
    }
    return chain;
  }

  private Future<Void> heartbeat() {
    return running == null ? Future.succeededFuture() : store.heartbeat(running.id());
  }

  /**
   * Starts a sweep of scope "due" or "all" and completes with its id once it is recorded; fails
   * with {@link SweepConflictException} while one runs. A scheduled sweep with nothing due records
   * nothing and completes with null.
   */
  public Future<Long> start(String scope, String trigger) {
    return start(scope, trigger, false);
  }

  private Future<Long> start(String scope, String trigger, boolean skipIfNothingDue) {
    if (running != null) {
      return Future.failedFuture(new SweepConflictException(running.id()));
    }
    if (starting != null) {
      // Another start is under way: answer with its id once known (or try again if it found nothing due).
      return starting.transform(ar -> ar.succeeded() && ar.result() != null
          ? Future.failedFuture(new SweepConflictException(ar.result()))
          : start(scope, trigger, skipIfNothingDue));
    }
    Future<Long> attempt = discovery.discover().compose(n -> begin(scope, trigger, skipIfNothingDue, clock.instant()));
    starting = attempt;
    attempt.onComplete(ar -> {
      if (starting == attempt) {
        starting = null;
      }
    });
    return attempt;
  }

  /** After discovery: the sweep covers what is due now, so domains discovery just made due are included. */
  private Future<Long> begin(String scope, String trigger, boolean skipIfNothingDue, Instant cutoff) {
    return (scope.equals("all") ? source.makeAllDue(cutoff) : Future.<Void>succeededFuture())
        .compose(v -> source.countDue(cutoff))
        .compose(total -> {
          if (total == 0 && skipIfNothingDue) {
            metrics.sweepSucceeded(clock.instant().getEpochSecond());
            return Future.succeededFuture((Long) null);
          }
          return store.create(scope, trigger, total, cutoff).map(id -> {
            if (!trigger.equals("schedule")) {
              guard.sweepStarted(id, total);
            }
            launch(new SweepRun(id, scope, trigger, cutoff, total, collaborators()));
            return id;
          });
        });
  }

  private SweepRun.Collaborators collaborators() {
    return new SweepRun.Collaborators(source, checker, policy, writer, metrics, clock, workers, pageSize);
  }

  private void launch(SweepRun run) {
    running = run;
    log.info("sweep started sweep={} scope={} trigger={} total={}", run.id(), run.scope(), run.trigger(), run.progress().total());
    run.start().compose(end -> {
      String state = end.name().toLowerCase();
      String error = run.failure() == null ? null : run.failure().getMessage();
      SweepProgress p = run.progress();
      log.info("sweep finished sweep={} state={} done={} failed={} changed={} ratePerSecond={}",
          run.id(), state, p.done(), p.failed(), p.changed(), Math.round(p.ratePerSecond()));
      if (end == SweepRun.End.COMPLETED) {
        metrics.sweepSucceeded(clock.instant().getEpochSecond());
      }
      UnrecordedEnd record = new UnrecordedEnd(run.id(), state, clock.instant(), error);
      return store.finish(record.id(), record.state(), record.at(), record.error())
          .onFailure(e -> unrecordedEnds.add(record));
    }).onComplete(ar -> {
      if (ar.failed()) {
        log.warn("could not record the end of sweep={}; retrying with the heartbeat", run.id(), ar.cause());
      }
      running = null;
      guard.sweepEnded(run.id());
      finished.forEach(h -> h.handle(run.id()));
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
    onSweepFinished(id -> done.tryComplete());
    vertx.setTimer(bound.toMillis(), t -> {
      if (done.tryComplete()) {
        log.warn("shutdown did not wait for all in-flight checks sweep={}; their leases expire on their own", run.id());
      }
    });
    return done.future();
  }

  /**
   * Checks one domain now, bypassing its schedule but not the rate limit; null when the domain is
   * not watched. {@code wanted} is asked right before the provider is called: if the requester has
   * gone by then, the domain's lease is given back, nothing is written, and the future fails with
   * {@link org.domainguard.check.CheckAbandonedException}.
   */
  public Future<RecheckOutcome> recheck(String domain, BooleanSupplier wanted) {
    return source.claimOne(domain).compose(state -> {
      if (state == null) {
        return Future.succeededFuture(null);
      }
      // A check that fails (abandoned, deferred, or a bug) gives its lease back, as does a failed write.
      return checker.check(domain, wanted).compose(result -> {
        var decision = policy.decide(state, result);
        Future<Integer> changed = writer.submit(CheckRecord.of(state, result, decision, null));
        writer.flushSoon();
        return changed.map(n -> new RecheckOutcome(domain, decision.phase(), result, n));
      }).recover(e -> source.release(List.of(state.id())).transform(released -> Future.failedFuture(e)));
    });
  }
}
