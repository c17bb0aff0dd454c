package org.domainguard.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.function.Function;
import org.domainguard.db.AdminSql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every attempt at an operator action that got past authentication: one log line and one
 * admin_actions row, both naming the token by its configured name, never the token itself. An
 * action that ran is recorded once it has completed (succeeded or not); one refused before it ran
 * (a viewer's 403, a 400 for invalid input, a 413) by the route's {@link #refusals} handler.
 * Requests without a valid token (401, 429) have no caller: {@link AdminAuth} only logs and counts them.
 */
final class AdminAudit {
  private static final Logger log = LoggerFactory.getLogger(AdminAudit.class);
  /** Set on a request once its row is on its way, so a later failure of the same request is not recorded twice. */
  private static final String RECORDED = "domainguard.audit.recorded";

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
  <T> Future<T> record(RoutingContext ctx, Action action, int okStatus, Future<T> result) {
    return record(ctx, action, okStatus, result, r -> action.target());
  }

  /** As above, for actions whose target is known only from their result (the id of a started sweep). */
  <T> Future<T> record(RoutingContext ctx, Action action, int okStatus, Future<T> result, Function<T, String> targetOf) {
    Caller caller = Caller.of(ctx);
    ctx.put(RECORDED, true);
    return result.transform(ar -> {
      ApiException error = ar.failed() ? translated(ar.cause()) : null;
      int status = error == null ? okStatus : error.status();
      String outcome = error == null ? "ok" : error.code();
      String target = error == null ? targetOf.apply(ar.result()) : action.target();
      return write(caller, action.name(), target, action.params(), status, outcome)
          .transform(ignored -> ar.succeeded() ? Future.succeededFuture(ar.result()) : Future.failedFuture(ar.cause()));
    });
  }

  /**
   * The failure handler of the operator route for {@code action}: records an attempt refused before
   * the action ran (its target: the path's sweep id when that is valid; no parameters), then hands
   * the failure on to the router's failure handler.
   */
  Handler<RoutingContext> refusals(String action) {
    return ctx -> {
      Caller caller = Caller.ifAttached(ctx);
      if (caller == null || ctx.get(RECORDED) != null) {
        ctx.next();
        return;
      }
      ctx.put(RECORDED, true);
      String id = ctx.pathParam("id");
      ApiException error = ctx.failure() != null ? translated(ctx.failure()) : ApiException.forStatus(ctx.statusCode());
      write(caller, action, Inputs.isId(id) ? id : null, new JsonObject(), error.status(), error.code())
          .onComplete(ignored -> ctx.next());
    };
  }

  /** The log line and the row. A failed write is logged and otherwise ignored. */
  private Future<Void> write(Caller caller, String action, String target, JsonObject params, int status, String outcome) {
    log.info("admin action action={} target={} token={} client={} status={} outcome={}",
        action, target, caller.name(), caller.client(), status, outcome);
    return pool.preparedQuery(AdminSql.INSERT_ADMIN_ACTION)
        .execute(Tuple.of(caller.name(), caller.client(), action, target, params, status, outcome))
        .onFailure(e -> log.error("could not write the admin_actions row action={} token={}", action, caller.name(), e))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  private static ApiException translated(Throwable cause) {
    ApiException known = ApiException.translate(cause);
    return known != null ? known : ApiException.internal();
  }
}
