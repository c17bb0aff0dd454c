package org.domainguard.apply;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.domainguard.db.Sql;
import org.domainguard.host.HostWrite;
import org.domainguard.metrics.Metrics;

/**
 * The mass-change guard's queue: operators list held unverifications and approve or reject them,
 * for one domain or all. Approving applies the change with its audit rows in one statement.
 */
public final class HeldChanges {
  /**
   * Approves open holds (one domain, or all when $1 is null) and applies them with their audit
   * rows and {@code address.unverified} events in one statement; the original cutoff still protects addresses re-verified since.
   */
  static final String APPROVE_HELD = """
      WITH h AS (
          UPDATE held_changes SET state = 'approved', decided_at = now(), decided_by = $2
          WHERE state = 'held' AND ($1::text IS NULL OR domain_id = (SELECT id FROM domains WHERE name = $1))
          RETURNING domain_id, check_id, sweep_id, reason, phase, cutoff),
      """ + Unverification.ctes("h", "$2") + """

      SELECT (SELECT count(*) FROM h) AS holds, (SELECT count(*) FROM events) AS addresses,
             (SELECT json_object_agg(reason, n) FROM (SELECT reason, count(*) AS n FROM events GROUP BY reason) r) AS by_reason""";

  private final Pool pool;
  private final Metrics metrics;
  private final HostWrite hostWrite;

  public HeldChanges(Pool pool, Metrics metrics) {
    this(pool, metrics, HostWrite.NONE);
  }

  /** {@code hostWrite}: an approved change is also given to the host's own table, in the same transaction. */
  public HeldChanges(Pool pool, Metrics metrics, HostWrite hostWrite) {
    this.pool = pool;
    this.metrics = metrics;
    this.hostWrite = hostWrite;
  }

  public Future<JsonArray> list(int limit) {
    return pool.preparedQuery(Sql.LIST_HELD).execute(Tuple.of(limit)).map(rows -> {
      JsonArray held = new JsonArray();
      rows.forEach(r -> held.add(json(r)));
      return held;
    });
  }

  /** Approves the open hold of {@code domain} (all holds when null); completes with holds and addresses changed. */
  public Future<JsonObject> approve(String domain, String actor) {
    return pool.withTransaction(conn -> conn.preparedQuery(APPROVE_HELD).execute(Tuple.of(domain, actor))
        .compose(rows -> hostWrite.push(conn).map(rows))).compose(rows -> {
      Row r = rows.iterator().next();
      JsonObject byReason = r.getJsonObject("by_reason");
      if (byReason != null) {
        byReason.forEach(e -> metrics.unverified(e.getKey(), ((Number) e.getValue()).intValue()));
      }
      return refreshGauge().map(new JsonObject().put("approved", r.getLong("holds")).put("changed", r.getLong("addresses")));
    });
  }

  /**
   * Rejects the open hold of {@code domain} (all holds when null): no address changes, the hold is
   * closed, and the domain's lapse is forgotten so it is checked afresh.
   */
  public Future<JsonObject> reject(String domain, String actor) {
    return pool.preparedQuery(Sql.REJECT_HELD).execute(Tuple.of(domain, actor))
        .compose(rows -> refreshGauge().map(new JsonObject().put("rejected", rows.iterator().next().getLong(0))));
  }

  public Future<Long> refreshGauge() {
    return pool.query(Sql.COUNT_HELD).execute().map(rows -> {
      long n = rows.iterator().next().getLong(0);
      metrics.heldChanges(n);
      return n;
    });
  }

  private static JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("domain", r.getString("name"))
        .put("reason", r.getString("reason"))
        .put("phase", r.getString("phase"))
        .put("statuses", r.getString("statuses"))
        .put("addresses", r.getInteger("addresses"))
        .put("sweepId", r.getLong("sweep_id"))
        .put("checkId", r.getLong("check_id"))
        .put("cutoff", r.getOffsetDateTime("cutoff").toInstant().toString())
        .put("heldAt", r.getOffsetDateTime("held_at").toInstant().toString());
  }
}
