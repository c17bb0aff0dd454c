package org.domainguard.http;

import static org.domainguard.http.Responses.reply;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import org.domainguard.check.ProviderAnswer;
import org.domainguard.http.AdminAudit.Action;
import org.domainguard.sweep.RecheckOutcome;
import org.domainguard.sweep.SweepService;

/** {@code POST /admin/v1/rechecks}: checks one domain now, bypassing its schedule but not the rate limit. */
final class RecheckRoutes implements RouteGroup {
  private final SweepService sweeps;
  private final AdminAudit audit;

  RecheckRoutes(SweepService sweeps, AdminAudit audit) {
    this.sweeps = sweeps;
    this.audit = audit;
  }

  @Override
  public void mount(Router router) {
    router.post("/admin/v1/rechecks").handler(ctx -> recheck(Caller.of(ctx), requested(ctx)).onComplete(reply(ctx, 200)));
  }

  private Future<JsonObject> recheck(Caller caller, Action action) {
    Future<JsonObject> result = sweeps.recheck(action.target()).compose(outcome -> outcome == null
        ? Future.failedFuture(ApiException.notFound("domain " + action.target() + " is not watched"))
        : Future.succeededFuture(view(outcome)));
    return audit.record(caller, action, 200, result);
  }

  /** Exactly one of "domain" or "email"; an address is reduced to its registrable domain. */
  private static Action requested(RoutingContext ctx) {
    JsonObject body = JsonBody.object(ctx, Set.of("domain", "email"));
    String domain = JsonBody.string(body, "domain");
    String email = JsonBody.string(body, "email");
    if ((domain == null) == (email == null)) {
      throw ApiException.badRequest("send exactly one of \"domain\" or \"email\"");
    }
    return new Action("recheck", domain != null ? Inputs.domain(domain) : Inputs.domainOfAddress(email), body);
  }

  private static JsonObject view(RecheckOutcome o) {
    JsonObject view = new JsonObject()
        .put("domain", o.domain())
        .put("phase", o.phase() == null ? null : o.phase().name())
        .put("statuses", o.result().answer() instanceof ProviderAnswer.Statuses s ? new JsonArray(s.tokens()) : new JsonArray())
        .put("outcome", o.result().outcome().label())
        .put("changed", o.changed());
    if (o.result().answer() instanceof ProviderAnswer.Failure f) {
      view.put("error", f.detail());
    }
    return view;
  }
}
