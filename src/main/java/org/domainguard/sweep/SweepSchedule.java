package org.domainguard.sweep;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.domainguard.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sweeps' timers: a due sweep every sweep interval, the running sweep's heartbeat (which also
 * retries recording ends an outage kept from the database), following the sweep running on the
 * database every fleet heartbeat (joining it, or stopping this daemon's part of one ended
 * elsewhere), and marking sweeps whose daemons all stopped as failed — at start and periodically,
 * since another daemon may die at any time.
 */
public final class SweepSchedule {
  private static final Logger log = LoggerFactory.getLogger(SweepSchedule.class);

  private final Vertx vertx;
  private final SweepService sweeps;
  private final SweepStore store;
  private final Metrics metrics;
  private final Duration staleAfter;
  private final Duration follow;

  /**
   * {@code staleAfter}: a sweep with no heartbeat for this long (a lease) belongs to stopped daemons;
   * {@code follow}: how often to look at the sweep running on the database (the fleet heartbeat).
   */
  public SweepSchedule(Vertx vertx, SweepService sweeps, SweepStore store, Metrics metrics, Duration staleAfter, Duration follow) {
    this.vertx = vertx;
    this.follow = follow;
    this.sweeps = sweeps;
    this.store = store;
    this.metrics = metrics;
    this.staleAfter = staleAfter;
  }

  public Future<Void> start(Duration interval) {
    long beat = Math.max(1_000, staleAfter.toMillis() / 4);
    vertx.setPeriodic(interval.toMillis(), interval.toMillis(), id -> sweeps.startScheduled()
        .onFailure(e -> log.warn("scheduled sweep could not start; next interval retries", e)));
    vertx.setPeriodic(beat, beat, id -> sweeps.heartbeat().compose(v -> abandonStale())
        .onFailure(e -> log.warn("sweep heartbeat failed", e)));
    // Its failures are the heartbeat's too, which says so at its own pace.
    vertx.setPeriodic(follow.toMillis(), follow.toMillis(), id -> sweeps.followFleet()
        .onFailure(e -> log.debug("could not look at the sweep running on the database", e)));
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
}
