package org.domainguard.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.domainguard.db.Timestamps;
import org.domainguard.db.AdminSql;
import org.domainguard.discovery.ParsedAddress;

/** Read-only views for operators: one domain with its history, one address with its domain. */
final class Lookups {
  private static final int HISTORY = 10;
  private static final int MAX_MATCHES = 100;

  private final Pool pool;
  private final Names names;

  Lookups(Pool pool, Names names) {
    this.names = names;
    this.pool = pool;
  }

  /** A watched domain: phase, statuses, check times, address counts and its latest checks; 404 when not watched. */
  Future<JsonObject> domain(String name) {
    Future<RowSet<Row>> detail = pool.preparedQuery(AdminSql.DOMAIN_DETAIL).execute(Tuple.of(name));
    Future<RowSet<Row>> history = pool.preparedQuery(AdminSql.DOMAIN_HISTORY).execute(Tuple.of(name, HISTORY));
    return Future.all(detail, history).compose(v -> detail.result().size() == 0
        ? Future.failedFuture(ApiException.notFound("domain " + name + " is not watched"))
        : Future.succeededFuture(domainView(detail.result().iterator().next(), history.result())));
  }

  private static JsonObject domainView(Row d, RowSet<Row> checks) {
    JsonArray history = new JsonArray();
    checks.forEach(c -> history.add(new JsonObject()
        .put("outcome", c.getString("outcome"))
        .put("statuses", tokens(c.getString("statuses")))
        .put("phase", c.getString("phase"))
        .put("error", c.getString("error"))
        .put("startedAt", Timestamps.iso(c.getOffsetDateTime("started_at")))
        .put("finishedAt", Timestamps.iso(c.getOffsetDateTime("finished_at")))
        .put("sweepId", c.getLong("sweep_id"))
        .put("evidence", evidence(c))));
    return new JsonObject()
        .put("name", d.getString("name"))
        .put("phase", d.getString("phase"))
        .put("statuses", tokens(d.getString("statuses")))
        .put("lastCheckedAt", Timestamps.iso(d.getOffsetDateTime("last_checked_at")))
        .put("lastSuccessAt", Timestamps.iso(d.getOffsetDateTime("last_success_at")))
        .put("nextCheckAt", Timestamps.iso(d.getOffsetDateTime("next_check_at")))
        .put("failureCount", d.getInteger("failure_count"))
        .put("lastError", d.getString("last_error"))
        .put("addresses", new JsonObject().put("total", d.getLong("total")).put("verified", d.getLong("verified")))
        .put("evidence", evidence(d))
        .put("history", history);
  }

  /**
   * What a registry's record said with a check (SPEC §8): the server, its HTTP status, the dates
   * and the notices' titles. Null when the check kept none (Fastly, Domainr, a failure).
   */
  private static JsonObject evidence(Row c) {
    if (c.getString("server") == null) {
      return null;
    }
    Object notices = c.getValue("notices");
    return new JsonObject()
        .put("server", c.getString("server"))
        .put("httpStatus", c.getInteger("http_status"))
        .put("registeredAt", Timestamps.iso(c.getOffsetDateTime("registered_at")))
        .put("expiresAt", Timestamps.iso(c.getOffsetDateTime("expires_at")))
        .put("transferredAt", Timestamps.iso(c.getOffsetDateTime("transferred_at")))
        .put("lastChangedAt", Timestamps.iso(c.getOffsetDateTime("last_changed_at")))
        .put("notices", notices instanceof JsonArray titles ? titles : new JsonArray());
  }

  /**
   * An address of the host's table: verification, reason and its domain's phase; 404 when no row
   * has it. Found through its normalised form first, then by a case-insensitive scan.
   */
  Future<JsonObject> email(String input) {
    ParsedAddress parsed = names.address(input);
    Future<RowSet<Row>> normalized = parsed.normalized() == null
        ? Future.succeededFuture(null)
        : pool.preparedQuery(AdminSql.EMAIL_BY_NORMALIZED).execute(Tuple.of(parsed.normalized(), MAX_MATCHES));
    return normalized
        .compose(rows -> rows != null && rows.size() > 0 ? Future.succeededFuture(rows)
            : pool.preparedQuery(AdminSql.EMAIL_BY_ADDRESS).execute(Tuple.of(input.strip(), parsed.domain(), MAX_MATCHES)))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(ApiException.notFound("no such email address"))
            : Future.succeededFuture(emailView(rows, parsed)));
  }

  /** The oldest matching row speaks for the address; {@code matches} says how many rows share it. */
  private static JsonObject emailView(RowSet<Row> rows, ParsedAddress parsed) {
    Row e = rows.iterator().next();
    String domain = e.getString("domain");
    return new JsonObject()
        .put("address", e.getString("address"))
        .put("verified", e.getBoolean("verified"))
        .put("unverifyReason", e.getString("unverify_reason"))
        .put("domain", domain != null ? domain : parsed.domain())
        .put("phase", e.getString("phase"))
        .put("skipReason", e.getString("skip_reason"))
        .put("matches", rows.size());
  }

  static JsonArray tokens(String raw) {
    JsonArray out = new JsonArray();
    if (raw != null && !raw.isBlank()) {
      for (String t : raw.trim().split("\\s+")) {
        out.add(t);
      }
    }
    return out;
  }

}
