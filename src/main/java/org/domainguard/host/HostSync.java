package org.domainguard.host;

import static org.domainguard.db.Unnest.Type.BOOL;
import static org.domainguard.db.Unnest.Type.TEXT;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.domainguard.db.Unnest;
import org.domainguard.discovery.DiscoveryService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the host table's queued changes into domain-guard's mirror ({@code email_addresses}),
 * where discovery takes them as if the host had written there: a new row is inserted (one
 * arriving verified is a verification), a changed address is rewritten, a change of the host's
 * {@code verified} is copied, and a deleted row is removed (it stops being watched). A host that
 * keeps {@code verified = true} after domain-guard decided otherwise is no change: only a change
 * of the host's own value since it was last seen counts, or a turn to true its triggers saw (the
 * row may be back where it was by now). Each chunk is one transaction.
 */
public final class HostSync implements DiscoveryService.Intake {
  private static final Logger log = LoggerFactory.getLogger(HostSync.class);

  static final String TAKE = """
      DELETE FROM host_changes
      WHERE id IN (SELECT id FROM host_changes ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING host_id, reverified""";

  /** The queued ids a chunk took, each with whether it was queued as a re-verification. */
  private static final Unnest<Row> TAKEN = Unnest.<Row>of()
      .column("host_id", TEXT, r -> r.getString("host_id"))
      .column("reverified", BOOL, r -> r.getBoolean("reverified"));

  private final Pool pool;
  private final HostPoll poll;
  private final int chunkSize;
  private final String sync;

  /** {@code poll}: the scan that queues changes with {@code capture: poll}; null with triggers. */
  public HostSync(Pool pool, HostTable table, HostPoll poll, int chunkSize) {
    this.pool = pool;
    this.poll = poll;
    this.chunkSize = chunkSize;
    this.sync = syncSql(table);
  }

  static String syncSql(HostTable t) {
    return "WITH ids AS (SELECT host_id, bool_or(reverified) AS reverified FROM " + TAKEN.from("q")
        + " GROUP BY host_id),\n"
        + "cur AS (\n"
        + "    SELECT ids.host_id, " + t.addressText("h") + " AS address, " + t.verifiedOrFalse("h") + " AS verified, "
        + t.id("h") + " IS NOT NULL AS present,\n"
        + "        " + t.verifiedOrFalse("h") + " AND ids.reverified AS reverified\n"
        + "    FROM ids LEFT JOIN " + t.name() + " h ON " + t.id("h") + " = " + t.asId("ids.host_id") + "),\n"
        + """
        gone AS (
            DELETE FROM email_addresses m USING cur
            WHERE m.host_id = cur.host_id AND NOT cur.present
            RETURNING m.id),
        changed AS (
            UPDATE email_addresses m SET
                address = cur.address,
                verified = CASE WHEN cur.verified IS DISTINCT FROM m.host_verified OR cur.reverified THEN cur.verified ELSE m.verified END,
                verified_at = CASE WHEN cur.reverified AND m.verified THEN clock_timestamp() ELSE m.verified_at END,
                unverify_reason = CASE WHEN cur.verified AND (NOT m.host_verified OR cur.reverified) THEN NULL ELSE m.unverify_reason END,
                host_verified = cur.verified
            FROM cur
            WHERE m.host_id = cur.host_id AND cur.present
              AND (m.address IS DISTINCT FROM cur.address OR m.host_verified IS DISTINCT FROM cur.verified OR cur.reverified)
            RETURNING m.id, cur.reverified),
        reverified AS (
            INSERT INTO address_changes (email_id, reverified)
            SELECT id, true FROM changed WHERE reverified),
        added AS (
            INSERT INTO email_addresses (host_id, address, verified, host_verified)
            SELECT cur.host_id, cur.address, cur.verified, cur.verified FROM cur
            WHERE cur.present AND NOT EXISTS (SELECT 1 FROM email_addresses m WHERE m.host_id = cur.host_id)
            ON CONFLICT (host_id) DO NOTHING
            RETURNING id)
        SELECT (SELECT count(*) FROM added) AS added, (SELECT count(*) FROM changed) AS changed, (SELECT count(*) FROM gone) AS gone""";
  }

  @Override
  public Future<Integer> pull() {
    Future<Integer> scanned = poll == null ? Future.succeededFuture(0) : poll.scanIfDue();
    return scanned.compose(queued -> drain(0));
  }

  private Future<Integer> drain(int soFar) {
    return pool.withTransaction(this::syncChunk)
        .compose(n -> n < chunkSize ? Future.succeededFuture(soFar + n) : drain(soFar + n));
  }

  /** Completes with the number of queued ids taken (not rows changed), so draining stops at a short chunk. */
  private Future<Integer> syncChunk(SqlConnection conn) {
    return conn.preparedQuery(TAKE).execute(Tuple.of(chunkSize)).compose(taken -> {
      if (taken.size() == 0) {
        return Future.succeededFuture(0);
      }
      List<Row> rows = new ArrayList<>(taken.size());
      taken.forEach(rows::add);
      return conn.preparedQuery(sync).execute(TAKEN.bind(rows)).map(synced -> {
        Row r = synced.iterator().next();
        if (r.getLong("added") + r.getLong("changed") + r.getLong("gone") > 0) {
          log.debug("host table changes copied added={} changed={} removed={}", r.getLong("added"), r.getLong("changed"), r.getLong("gone"));
        }
        return taken.size();
      });
    });
  }
}
