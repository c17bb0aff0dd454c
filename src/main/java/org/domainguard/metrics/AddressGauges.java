package org.domainguard.metrics;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.domainguard.db.Sql;

/** Refreshes {@code domainguard_addresses{state}} (watched, skipped) from the database, like {@link PhaseGauges}. */
public final class AddressGauges {
  private final Pool pool;
  private final Metrics metrics;

  public AddressGauges(Pool pool, Metrics metrics) {
    this.pool = pool;
    this.metrics = metrics;
  }

  public Future<Void> refresh() {
    return pool.query(Sql.ADDRESSES_BY_STATE).execute().map(rows -> {
      Row r = rows.iterator().next();
      metrics.addresses(r.getLong("watched"), r.getLong("skipped"));
      return null;
    });
  }
}
