package org.domainguard.metrics;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.EnumMap;
import java.util.Map;
import org.domainguard.check.Phase;
import org.domainguard.db.Sql;

/** Refreshes {@code domainguard_domains{phase}} from the database: the table is the truth, not a running tally. */
public final class PhaseGauges {
  private final Pool pool;
  private final Metrics metrics;

  public PhaseGauges(Pool pool, Metrics metrics) {
    this.pool = pool;
    this.metrics = metrics;
  }

  public Future<Map<Phase, Long>> refresh() {
    return pool.query(Sql.DOMAINS_BY_PHASE).execute().map(rows -> {
      Map<Phase, Long> counts = new EnumMap<>(Phase.class);
      rows.forEach(r -> counts.put(Phase.valueOf(r.getString(0)), r.getLong(1)));
      metrics.domainsByPhase(counts);
      return counts;
    });
  }
}
