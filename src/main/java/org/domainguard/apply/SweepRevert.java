package org.domainguard.apply;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.domainguard.db.Sql;
import org.domainguard.events.EventOutbox;
import org.domainguard.host.HostWrite;

/**
 * The way back after a provider incident: re-verifies the addresses a sweep unverified, unless
 * something changed them since, with their earlier verification time, an audit row and an
 * {@code address.reverified} event each. Re-verification makes their domains due, so each is
 * checked afresh.
 */
public final class SweepRevert {
  /**
   * Re-verifies what sweep $1 unverified, where nothing changed the address since (no later event,
   * still unverified for the same reason), restoring its earlier verified_at, each with an audit
   * row and an event. A lapse first seen during that sweep is forgotten (the operator judged it
   * wrong) and the domain is checked afresh; a lapse seen before it stands. Run after RESTORING,
   * in one transaction.
   */
  static final String REVERT_SWEEP = """
      WITH last AS (
          SELECT ve.email_id, ve.reason, ve.domain_id, ve.old_verified_at FROM verification_events ve
          WHERE ve.sweep_id = $1 AND NOT ve.new_verified
            AND NOT EXISTS (SELECT 1 FROM verification_events later WHERE later.email_id = ve.email_id AND later.id > ve.id)),
      changed AS (
          UPDATE email_addresses e SET verified = true, unverify_reason = NULL, verified_at = COALESCE(last.old_verified_at, e.verified_at)
          FROM last
          WHERE e.id = last.email_id AND NOT e.verified AND e.unverify_reason = last.reason
          RETURNING e.id, e.address, last.domain_id, last.reason),
      reset AS (
          UPDATE domains SET phase = NULL, lapse_phase = NULL, lapse_seen_at = NULL, next_check_at = now()
          WHERE id IN (SELECT domain_id FROM changed)
            AND lapse_seen_at >= (SELECT started_at FROM sweeps WHERE id = $1)
          RETURNING id),
      events AS (
          INSERT INTO verification_events (email_id, address, domain_id, old_verified, new_verified, reason, sweep_id, actor)
          SELECT id, address, domain_id, false, true, 'revert_of_' || reason, $1, $2 FROM changed
          RETURNING 1),
      """ + EventOutbox.addressReverified("changed r", "$1::bigint") + "\nSELECT count(*) FROM events";

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
        .compose(v -> conn.preparedQuery(REVERT_SWEEP).execute(Tuple.of(sweepId, actor)))
        .compose(rows -> hostWrite.push(conn).map(rows.iterator().next().getLong(0))));
  }
}
