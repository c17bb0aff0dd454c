package org.domainguard.apply;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.domainguard.db.Sql;
import org.domainguard.host.HostWrite;

/**
 * The way back after a provider incident: re-verifies the addresses a sweep unverified, unless
 * something changed them since, with their earlier verification time and an audit row each.
 * Re-verification makes their domains due, so each is checked afresh.
 */
public final class SweepRevert {
  private final Pool pool;
  private final HostWrite hostWrite;

  public SweepRevert(Pool pool) {
    this(pool, HostWrite.NONE);
  }

  /** {@code hostWrite}: also re-verifies the host's own rows, in the same transaction. */
  public SweepRevert(Pool pool, HostWrite hostWrite) {
    this.pool = pool;
    this.hostWrite = hostWrite;
  }

  /** Completes with the number of addresses re-verified. */
  public Future<Long> revert(long sweepId, String actor) {
    return pool.withTransaction(conn -> conn.query(Sql.RESTORING).execute()
        .compose(v -> conn.preparedQuery(Sql.REVERT_SWEEP).execute(Tuple.of(sweepId, actor)))
        .compose(rows -> hostWrite.push(conn).map(rows.iterator().next().getLong(0))));
  }
}
