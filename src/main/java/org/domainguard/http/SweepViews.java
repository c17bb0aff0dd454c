package org.domainguard.http;

import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.domainguard.sweep.SweepProgress;
import org.domainguard.sweep.SweepRecord;
import org.domainguard.sweep.SweepService;

/**
 * A sweep as the API shows it, counting the work of every daemon taking part (its row adds up
 * their committed batches). The sweep running here also shows its rate over its duration so far
 * and an ETA; any other is shown with the rate over its whole duration and no ETA.
 */
final class SweepViews {
  private final SweepService sweeps;
  private final Clock clock;

  SweepViews(SweepService sweeps, Clock clock) {
    this.sweeps = sweeps;
    this.clock = clock;
  }

  JsonObject of(SweepRecord r) {
    return sweeps.running()
        .filter(running -> running.id() == r.id())
        .map(running -> live(r, running.progress()))
        .orElseGet(() -> recorded(r));
  }

  /** The row's counts, or this daemon's own if they are ahead (the row was read before its last batch committed). */
  private JsonObject live(SweepRecord r, SweepProgress p) {
    long done = Math.max(r.done(), p.done());
    double seconds = Duration.between(r.startedAt(), clock.instant()).toMillis() / 1000.0;
    double rate = seconds > 0 ? done / seconds : 0;
    Long eta = rate > 0 ? (long) Math.ceil(Math.max(0, r.total() - done) / rate) : null;
    return base(r, "running", r.total(), done, Math.max(r.failed(), p.failed()), Math.max(r.changed(), p.changed()))
        .put("finishedAt", null)
        .put("ratePerSecond", round(rate))
        .put("etaSeconds", eta)
        .put("error", r.error());
  }

  private JsonObject recorded(SweepRecord r) {
    Instant end = r.finishedAt() != null ? r.finishedAt() : clock.instant();
    double seconds = Duration.between(r.startedAt(), end).toMillis() / 1000.0;
    return base(r, r.state(), r.total(), r.done(), r.failed(), r.changed())
        .put("finishedAt", r.finishedAt() == null ? null : r.finishedAt().toString())
        .put("ratePerSecond", seconds > 0 ? round(r.done() / seconds) : 0.0)
        .put("etaSeconds", null)
        .put("error", r.error());
  }

  private static JsonObject base(SweepRecord r, String state, long total, long done, long failed, long changed) {
    return new JsonObject()
        .put("id", r.id())
        .put("state", state)
        .put("scope", r.scope())
        .put("trigger", r.trigger())
        .put("total", total)
        .put("done", done)
        .put("failed", failed)
        .put("changed", changed)
        .put("startedAt", r.startedAt().toString());
  }

  private static double round(double rate) {
    return Math.round(rate * 100) / 100.0;
  }
}
