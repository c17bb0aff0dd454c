package org.domainguard.sweep;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.domainguard.db.Sql;
import org.domainguard.db.Timestamps;

/** The sweeps table: one row per sweep with its scope, trigger, counts and end state. */
public final class SweepStore {
  private final Pool pool;
  private final String owner;

  public SweepStore(Pool pool, String owner) {
    this.pool = pool;
    this.owner = owner;
  }

  /** Fails with {@link SweepConflictException} when a sweep already runs on the database. */
  Future<Long> create(String scope, String trigger, long total, Instant startedAt) {
    return pool.preparedQuery(Sql.INSERT_SWEEP)
        .execute(Tuple.of(scope, trigger, owner, (int) total, Timestamps.utc(startedAt)))
        .map(rows -> rows.iterator().next().getLong("id"))
        .recover(e -> e instanceof PgException pg && ONE_RUNNING.equals(pg.getConstraint())
            ? running().compose(r -> Future.failedFuture(r == null ? e : new SweepConflictException(r.id())))
            : Future.failedFuture(e));
  }

  private static final String ONE_RUNNING = "sweeps_one_running";

  /** The sweep running on the database, whichever daemon started it; null when none runs. */
  Future<SweepRecord> running() {
    return pool.query(Sql.RUNNING_SWEEP).execute().map(rows -> rows.size() == 0 ? null : record(rows.iterator().next()));
  }

  /**
   * Records the sweep's end ({@code completed}, or {@code cancelled} by a daemon leaving) unless
   * another live daemon still checks domains for it; then that daemon, finishing last, records it.
   * Says whether it was recorded here.
   */
  Future<Boolean> finishLast(long id, String state, Instant at) {
    return pool.preparedQuery(Sql.FINISH_SWEEP_LAST).execute(Tuple.of(id, Timestamps.utc(at), owner, state))
        .map(rows -> rows.rowCount() == 1);
  }

  /** A shutting-down daemon's part ends: the sweep is recorded cancelled only if no other daemon is alive to finish it. */
  Future<Boolean> leave(long id, Instant at) {
    return pool.preparedQuery(Sql.LEAVE_SWEEP).execute(Tuple.of(id, Timestamps.utc(at), owner)).map(rows -> rows.rowCount() == 1);
  }

  Future<Void> finish(long id, String state, Instant at, String error) {
    return pool.preparedQuery(Sql.FINISH_SWEEP).execute(Tuple.of(id, state, Timestamps.utc(at), error)).mapEmpty();
  }

  Future<Void> heartbeat(long id) {
    return pool.preparedQuery(Sql.HEARTBEAT_SWEEP).execute(Tuple.of(id)).mapEmpty();
  }

  /** Marks sweeps left running by a daemon that stopped (no heartbeat for {@code staleAfter}) as failed. */
  Future<Integer> abandonStale(Duration staleAfter) {
    return pool.preparedQuery(Sql.ABANDON_SWEEPS).execute(Tuple.of((double) staleAfter.toSeconds())).map(rows -> rows.rowCount());
  }

  /** When the last sweep completed, or null if none has. */
  public Future<Instant> lastCompleted() {
    return pool.query(Sql.LAST_COMPLETED_SWEEP).execute().map(rows -> Timestamps.instant(rows.iterator().next().getOffsetDateTime(0)));
  }

  public Future<SweepRecord> get(long id) {
    return pool.preparedQuery(Sql.GET_SWEEP).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : record(rows.iterator().next()));
  }

  public Future<List<SweepRecord>> recent(int limit) {
    return pool.preparedQuery(Sql.RECENT_SWEEPS).execute(Tuple.of(limit)).map(rows -> {
      List<SweepRecord> list = new ArrayList<>();
      rows.forEach(r -> list.add(record(r)));
      return list;
    });
  }

  private static SweepRecord record(Row r) {
    return new SweepRecord(
        r.getLong("id"), r.getString("scope"), r.getString("trigger"), r.getString("state"),
        r.getInteger("total"), r.getInteger("done"), r.getInteger("failed"), r.getInteger("changed"),
        Timestamps.instant(r.getOffsetDateTime("started_at")), Timestamps.instant(r.getOffsetDateTime("finished_at")), r.getString("error"));
  }

}
