package org.domainguard.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.function.Function;
import org.domainguard.db.AdminSql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every operator action, once it has completed (succeeded or not): one log line and one
 * admin_actions row, both naming the token by its configured name, never the token itself.
 */
final class AdminAudit {
  private static final Logger log = LoggerFactory.getLogger(AdminAudit.class);

  private final Pool pool;

  AdminAudit(Pool pool) {
    this.pool = pool;
  }

  /** What an operator asked for: the action, what it acts on, and the request's parameters. */
  record Action(String name, String target, JsonObject params) {}

  /**
   * Records {@code action} once {@code result} completes and then passes the result on unchanged.
   * A failed audit write is logged; it does not turn a done action into an error.
   */
  <T> Future<T> record(Caller caller, Action action, int okStatus, Future<T> result) {
    return record(caller, action, okStatus, result, r -> action.target());
  }

  /** As above, for actions whose target is known only from their result (the id of a started sweep). */
  <T> Future<T> record(Caller caller, Action action, int okStatus, Future<T> result, Function<T, String> targetOf) {
    return result.transform(ar -> {
      ApiException error = ar.failed() ? translated(ar.cause()) : null;
      int status = error == null ? okStatus : error.status();
      String outcome = error == null ? "ok" : error.code();
      String target = error == null ? targetOf.apply(ar.result()) : action.target();
      log.info("admin action action={} target={} token={} client={} status={} outcome={}",
          action.name(), target, caller.name(), caller.client(), status, outcome);
      return pool.preparedQuery(AdminSql.INSERT_ADMIN_ACTION)
          .execute(Tuple.of(caller.name(), caller.client(), action.name(), target, action.params(), status, outcome))
          .onFailure(e -> log.error("could not write the admin_actions row action={} token={}", action.name(), caller.name(), e))
          .transform(ignored -> ar.succeeded() ? Future.succeededFuture(ar.result()) : Future.failedFuture(ar.cause()));
    });
  }

  private static ApiException translated(Throwable cause) {
    ApiException known = ApiException.translate(cause);
    return known != null ? known : ApiException.internal();
  }
}
