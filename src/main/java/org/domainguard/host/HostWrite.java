package org.domainguard.host;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import org.domainguard.config.AppConfig;
import org.domainguard.metrics.Metrics;

/**
 * {@code write: direct}: hands domain-guard's decisions to the host's row, inside the deciding
 * transaction (after the mirror and audit rows are written). A decision not yet given to the host
 * is a mirror row whose {@code verified} differs from the host's as last seen; each is written
 * {@code UPDATE … SET verified = …[, reason = …] WHERE id = … AND verified <> …}, so a host row
 * that changed meanwhile is left alone, and is then recorded as the host's value. The statement
 * is built once, at start-up; with the default table or {@code write: none} nothing is written.
 */
public final class HostWrite {
  /** Set for the writing transaction only: the host table's triggers do not take domain-guard's own write for the host's. */
  static final String WRITING = "domainguard.host_write";

  private static final String MARK_WRITING = "SELECT set_config('" + WRITING + "', 'on', true)";

  /** Writes nothing: the default mode (the mirror is the host's table) or {@code write: none}. */
  public static final HostWrite NONE = new HostWrite(null, null);

  private final String sql;
  private final Tuple reasons;

  private HostWrite(String sql, Tuple reasons) {
    this.sql = sql;
    this.reasons = reasons;
  }

  /** The host write {@code table} is configured for. */
  public static HostWrite of(HostTable table) {
    if (table == null || table.config().write() != AppConfig.Write.DIRECT) {
      return NONE;
    }
    if (table.reasonColumn() == null) {
      return new HostWrite(sql(table), Tuple.tuple());
    }
    List<String> reasons = Metrics.UNVERIFY_REASONS;
    String[] values = reasons.stream().map(table.config()::reasonValue).toArray(String[]::new);
    return new HostWrite(sql(table), Tuple.tuple().addArrayOfString(reasons.toArray(String[]::new)).addArrayOfString(values));
  }

  /** $1/$2: each reason string and the value written for it; a re-verification (a revert) clears the reason. */
  static String sql(HostTable t) {
    String reason = t.reasonColumn() == null ? "" : ",\n    " + t.reasonColumn() + " = (CASE WHEN p.verified THEN NULL ELSE "
        + "(SELECT r.value FROM unnest($1::text[], $2::text[]) AS r(reason, value) WHERE r.reason = p.unverify_reason) END)::text::"
        + t.reasonType();
    return """
        WITH pending AS (
            UPDATE email_addresses m SET host_verified = m.verified
            WHERE m.host_id IS NOT NULL AND m.verified IS DISTINCT FROM m.host_verified
            RETURNING m.host_id, m.verified, m.unverify_reason)
        UPDATE\s""" + t.name() + " h SET " + AppConfig.Host.quoted(t.config().columns().verified()) + " = p.verified" + reason + "\n"
        + "FROM pending p\n"
        + "WHERE " + t.id("h") + " = " + t.asId("p.host_id") + " AND " + t.verified("h") + " IS DISTINCT FROM p.verified";
  }

  /** Gives the host what this transaction decided; completes with the host rows written. */
  public Future<Integer> push(SqlConnection conn) {
    if (sql == null) {
      return Future.succeededFuture(0);
    }
    return conn.query(MARK_WRITING).execute()
        .compose(marked -> conn.preparedQuery(sql).execute(reasons))
        .map(rows -> rows.rowCount());
  }
}
