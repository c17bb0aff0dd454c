package org.domainguard.events;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Set;
import org.domainguard.db.Timestamps;
import org.domainguard.metrics.Metrics;

/**
 * The outbox as operators see it: deliveries listed by state (a page at a time), a redelivery, the
 * pending count behind {@code domainguard_events_pending}, and the pruning of what is settled.
 */
public final class Deliveries {
  /** {@code failed}: pending with at least one failed attempt behind it. */
  public static final Set<String> STATES = Set.of("pending", "failed", "delivered", "dead");
  /** Delivered and dead deliveries, and their events, are kept this long (for listing and redelivery). */
  public static final Duration RETENTION = Duration.ofDays(30);
  /** Rows pruned per statement: a large backlog is pruned in steps, never in one long transaction. */
  static final int PRUNE_CHUNK = 5_000;

  static final String LIST = """
      SELECT d.id, d.state, d.attempts, d.next_attempt_at, d.last_attempt_at, d.last_status, d.last_error, d.delivered_at,
             ep.url, e.webhook_id, e.type, e.domain, e.created_at
      FROM webhook_deliveries d
      JOIN events e ON e.id = d.event_id
      JOIN webhook_endpoints ep ON ep.id = d.endpoint_id
      WHERE d.state = $1 AND (NOT $2 OR d.attempts > 0) AND d.id > $3
      ORDER BY d.id
      LIMIT $4""";

  /** Pending again from now, with a fresh max-age; only to an endpoint still configured. */
  static final String REDELIVER = """
      UPDATE webhook_deliveries d SET state = 'pending', attempts = 0, since = $2, next_attempt_at = $2, delivered_at = NULL,
          lease_owner = NULL, lease_expires_at = NULL
      FROM webhook_endpoints ep
      WHERE d.id = $1 AND ep.id = d.endpoint_id AND ep.active
      RETURNING d.id""";

  static final String EXISTS = "SELECT 1 FROM webhook_deliveries WHERE id = $1";

  static final String COUNT_PENDING = "SELECT count(*) FROM webhook_deliveries WHERE state = 'pending'";

  /** Events older than $1 with nothing pending, a chunk at a time; their deliveries go with them. */
  static final String PRUNE = """
      DELETE FROM events WHERE id IN (
          SELECT e.id FROM events e
          WHERE e.created_at < $1
            AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id AND d.state = 'pending')
          ORDER BY e.created_at
          LIMIT $2)""";

  /** What a redelivery found. */
  public enum Redelivery { REDELIVERED, NOT_FOUND, ENDPOINT_RETIRED }

  private final Pool pool;
  private final Metrics metrics;
  private final Clock clock;

  public Deliveries(Pool pool, Metrics metrics, Clock clock) {
    this.pool = pool;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Up to {@code limit} deliveries in {@code state} (one of {@link #STATES}) with ids after {@code after}, oldest first. */
  public Future<JsonArray> list(String state, long after, int limit) {
    boolean failed = state.equals("failed");
    return pool.preparedQuery(LIST).execute(Tuple.of(failed ? "pending" : state, failed, after, limit)).map(rows -> {
      JsonArray list = new JsonArray();
      rows.forEach(r -> list.add(json(r)));
      return list;
    });
  }

  public Future<Redelivery> redeliver(long id) {
    return pool.preparedQuery(REDELIVER).execute(Tuple.of(id, Timestamps.utc(clock.instant()))).compose(rows -> rows.size() > 0
        ? Future.succeededFuture(Redelivery.REDELIVERED)
        : pool.preparedQuery(EXISTS).execute(Tuple.of(id))
            .map(found -> found.size() > 0 ? Redelivery.ENDPOINT_RETIRED : Redelivery.NOT_FOUND));
  }

  public Future<Long> refreshGauge() {
    return pool.query(COUNT_PENDING).execute().map(rows -> {
      long n = rows.iterator().next().getLong(0);
      metrics.eventsPending(n);
      return n;
    });
  }

  /** Deletes settled events older than {@link #RETENTION}, chunk by chunk; completes with how many. */
  public Future<Long> prune() {
    return pruneFrom(Timestamps.utc(clock.instant().minus(RETENTION)), 0);
  }

  private Future<Long> pruneFrom(OffsetDateTime before, long sofar) {
    return pool.preparedQuery(PRUNE).execute(Tuple.of(before, PRUNE_CHUNK)).compose(rows -> rows.rowCount() < PRUNE_CHUNK
        ? Future.succeededFuture(sofar + rows.rowCount())
        : pruneFrom(before, sofar + rows.rowCount()));
  }

  private static JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("state", r.getString("state"))
        .put("endpoint", r.getString("url"))
        .put("webhookId", r.getString("webhook_id"))
        .put("type", r.getString("type"))
        .put("domain", r.getString("domain"))
        .put("createdAt", Timestamps.iso(r.getOffsetDateTime("created_at")))
        .put("attempts", r.getInteger("attempts"))
        .put("nextAttemptAt", r.getString("state").equals("pending") ? Timestamps.iso(r.getOffsetDateTime("next_attempt_at")) : null)
        .put("lastAttemptAt", Timestamps.iso(r.getOffsetDateTime("last_attempt_at")))
        .put("lastStatus", r.getInteger("last_status"))
        .put("lastError", r.getString("last_error"))
        .put("deliveredAt", Timestamps.iso(r.getOffsetDateTime("delivered_at")));
  }

}
