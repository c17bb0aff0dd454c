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

/**
 * {@code POST /admin/v1/rechecks}: checks one domain now, bypassing its schedule but not the rate
 * limit, through the bounded {@link RecheckQueue}.
 */
final class RecheckRoutes implements RouteGroup {
  private static final String RECHECK = "recheck";

  private final RecheckQueue queue;
  private final AdminAudit audit;
  private final Names names;

  RecheckRoutes(RecheckQueue queue, AdminAudit audit, Names names) {
    this.names = names;
    this.queue = queue;
    this.audit = audit;
  }

  @Override
  public void mount(Router router) {
    router.post("/admin/v1/rechecks").handler(ctx -> recheck(ctx, requested(ctx)).onComplete(reply(ctx, 200)))
        .failureHandler(audit.refusals(RECHECK));
  }

  private Future<JsonObject> recheck(RoutingContext ctx, Action action) {
    Future<JsonObject> result = queue.submit(action.target(), ctx).compose(outcome -> outcome == null
        ? Future.failedFuture(ApiException.notFound("domain " + action.target() + " is not watched"))
        : Future.succeededFuture(view(outcome)));
    return audit.record(ctx, action, 200, result);
  }

  /** Exactly one of "domain" or "email"; an address is reduced to its registrable domain. */
  private Action requested(RoutingContext ctx) {
    JsonObject body = JsonBody.object(ctx, Set.of("domain", "email"));
    String domain = JsonBody.string(body, "domain");
    String email = JsonBody.string(body, "email");
    if ((domain == null) == (email == null)) {
      throw ApiException.badRequest("send exactly one of \"domain\" or \"email\"");
    }
    return new Action(RECHECK, domain != null ? names.domain(domain) : names.domainOfAddress(email), body);
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
