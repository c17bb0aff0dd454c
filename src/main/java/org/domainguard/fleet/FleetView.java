package org.domainguard.fleet;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import org.domainguard.db.Timestamps;

/** The daemons on the database as an operator sees them: alive or not, the domains each holds leased, and each one's share of the provider's limit. */
public final class FleetView {
  /** Every daemon known, with its unexpired leases (one scan of the leased domains) and its provider shares in force. */
  static final String DAEMONS = """
      SELECT f.owner, f.started_at, f.heartbeat_at, f.alive_until > $1 AS alive,
             coalesce(l.leases, 0) AS leases,
             (SELECT coalesce(jsonb_agg(jsonb_build_object('limit', g.limit_key, 'rate', g.rate, 'burst', g.burst)
                                        ORDER BY g.limit_key), '[]'::jsonb)
              FROM fleet_grants g WHERE g.owner = f.owner AND g.limit_key LIKE 'provider:%' AND g.expires_at > $1) AS shares
      FROM fleet_daemons f
      LEFT JOIN (SELECT lease_owner, count(*) AS leases FROM domains
                 WHERE lease_owner IS NOT NULL AND lease_expires_at > $1 GROUP BY lease_owner) l ON l.lease_owner = f.owner
      ORDER BY f.started_at, f.owner""";

  private final Pool pool;
  private final String self;
  private final Clock clock;

  public FleetView(Pool pool, String self, Clock clock) {
    this.pool = pool;
    this.self = self;
    this.clock = clock;
  }

  public Future<JsonObject> daemons() {
    return pool.preparedQuery(DAEMONS).execute(Tuple.of(Timestamps.utc(clock.instant()))).map(rows -> {
      JsonArray daemons = new JsonArray();
      long alive = 0;
      for (Row r : rows) {
        boolean isAlive = r.getBoolean("alive");
        alive += isAlive ? 1 : 0;
        daemons.add(new JsonObject()
            .put("owner", r.getString("owner"))
            .put("self", r.getString("owner").equals(self))
            .put("alive", isAlive)
            .put("startedAt", Timestamps.iso(r.getOffsetDateTime("started_at")))
            .put("lastHeartbeatAt", Timestamps.iso(r.getOffsetDateTime("heartbeat_at")))
            .put("leases", r.getLong("leases"))
            .put("shares", r.getValue("shares")));
      }
      return new JsonObject().put("alive", alive).put("daemons", daemons);
    });
  }
}
