package org.domainguard.apply;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.domainguard.db.Sql;

/**
 * The way back after a provider incident: re-verifies the addresses a sweep unverified, unless
 * something changed them since, with their earlier verification time and an audit row each.
 * Re-verification makes their domains due, so each is checked afresh.
 */
public final class SweepRevert {
  private final Pool pool;

  public SweepRevert(Pool pool) {
    this.pool = pool;
  }

  /** Completes with the number of addresses re-verified. */
  public Future<Long> revert(long sweepId, String actor) {
    return pool.withTransaction(conn -> conn.query(Sql.RESTORING).execute()
        .compose(v -> conn.preparedQuery(Sql.REVERT_SWEEP).execute(Tuple.of(sweepId, actor)))
        .map(rows -> rows.iterator().next().getLong(0)));
  }
}
