package org.domainguard.http;

import static org.domainguard.http.Responses.reply;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Set;
import org.domainguard.http.AdminAudit.Action;
import org.domainguard.sweep.Scope;
import org.domainguard.sweep.SweepService;
import org.domainguard.sweep.Trigger;
import org.domainguard.sweep.SweepStore;

/** Sweeps: start one, follow one, list recent ones, cancel the running one. */
final class SweepRoutes implements RouteGroup {
  private static final Set<String> BODY_FIELDS = Set.of("scope");
  private static final String START = "sweep_start";
  private static final String CANCEL = "sweep_cancel";

  private final SweepService sweeps;
  private final SweepStore store;
  private final AdminAudit audit;
  private final SweepViews views;

  SweepRoutes(SweepService sweeps, SweepStore store, AdminAudit audit, Clock clock) {
    this.sweeps = sweeps;
    this.store = store;
    this.audit = audit;
    this.views = new SweepViews(sweeps, clock);
  }

  @Override
  public void mount(Router router) {
    router.post("/admin/v1/sweeps").handler(ctx -> start(ctx, scope(ctx)).onComplete(reply(ctx, 202)))
        .failureHandler(audit.refusals(START));
    router.get("/admin/v1/sweeps").handler(ctx -> recent(Inputs.limit(ctx.queryParam("limit"), 20, 100)).onComplete(reply(ctx, 200)));
    router.get("/admin/v1/sweeps/:id").handler(ctx -> sweep(Inputs.id(ctx.pathParam("id"))).onComplete(reply(ctx, 200)));
    router.post("/admin/v1/sweeps/:id/cancel").handler(ctx -> cancel(ctx, Inputs.id(ctx.pathParam("id"))).onComplete(reply(ctx, 202)))
        .failureHandler(audit.refusals(CANCEL));
  }

  private Future<JsonObject> start(RoutingContext ctx, Scope scope) {
    Action action = new Action(START, null, new JsonObject().put("scope", scope.label()));
    return audit.record(ctx, action, 202, sweeps.start(scope, Trigger.OPERATOR), id -> Long.toString(id))
        .map(id -> new JsonObject().put("id", id));
  }

  private Future<JsonObject> recent(int limit) {
    return store.recent(limit).map(list -> new JsonObject().put("sweeps", new JsonArray(list.stream().map(views::of).toList())));
  }

  private Future<JsonObject> sweep(long id) {
    return store.get(id).compose(r -> r == null ? Future.failedFuture(noSweep(id)) : Future.succeededFuture(views.of(r)));
  }

  /** Only the sweep running in this daemon can be cancelled; what is in flight is still checked and written. */
  private Future<JsonObject> cancel(RoutingContext ctx, long id) {
    Future<JsonObject> result = sweeps.cancel(id)
        ? Future.succeededFuture(new JsonObject().put("id", id).put("state", "cancelling"))
        : store.get(id).compose(r -> Future.failedFuture(r == null ? noSweep(id)
            : ApiException.conflict("sweep " + id + " is not running in this daemon (state " + r.state() + ")")));
    return audit.record(ctx, new Action(CANCEL, Long.toString(id), new JsonObject()), 202, result);
  }

  /** {@code {"scope": "due" | "all"}}, "due" when absent; an empty body is allowed. */
  private static Scope scope(RoutingContext ctx) {
    String label = JsonBody.string(JsonBody.object(ctx, BODY_FIELDS), "scope");
    Scope scope = label == null ? Scope.DUE : Scope.of(label);
    if (scope == null) {
      throw ApiException.badRequest("scope must be \"due\" or \"all\"");
    }
    return scope;
  }

  private static ApiException noSweep(long id) {
    return ApiException.notFound("no sweep with id " + id);
  }
}
