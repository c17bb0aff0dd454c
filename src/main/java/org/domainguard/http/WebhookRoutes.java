package org.domainguard.http;

import static org.domainguard.http.Responses.reply;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.TreeSet;
import org.domainguard.events.Deliveries;
import org.domainguard.http.AdminAudit.Action;

/** The event outbox's webhook deliveries: listed by state a page at a time, and redelivered. */
final class WebhookRoutes implements RouteGroup {
  private static final String REDELIVER = "webhook_redeliver";

  private final Deliveries deliveries;
  private final AdminAudit audit;

  WebhookRoutes(Deliveries deliveries, AdminAudit audit) {
    this.deliveries = deliveries;
    this.audit = audit;
  }

  @Override
  public void mount(Router router) {
    router.get("/admin/v1/webhooks/deliveries").handler(ctx -> list(ctx).onComplete(reply(ctx, 200)));
    router.post("/admin/v1/webhooks/deliveries/:id/redeliver")
        .handler(ctx -> redeliver(ctx, Inputs.id(ctx.pathParam("id"))).onComplete(reply(ctx, 200)))
        .failureHandler(audit.refusals(REDELIVER));
  }

  /** {@code ?state=pending|failed|delivered|dead&after=<id>&limit=<n>}; {@code next} is the {@code after} of the next page. */
  private Future<JsonObject> list(RoutingContext ctx) {
    String state = state(ctx.queryParam("state"));
    long after = Inputs.after(ctx.queryParam("after"), "a delivery id");
    int limit = Inputs.limit(ctx.queryParam("limit"), 100, 1000);
    return deliveries.list(state, after, limit).map(page -> new JsonObject()
        .put("state", state)
        .put("deliveries", page)
        .put("next", page.size() == limit ? page.getJsonObject(page.size() - 1).getLong("id") : null));
  }

  /** 404 for no such delivery, 409 when its endpoint is retired. */
  private Future<JsonObject> redeliver(RoutingContext ctx, long id) {
    Future<JsonObject> result = deliveries.redeliver(id).compose(outcome -> switch (outcome) {
      case REDELIVERED -> Future.succeededFuture(new JsonObject().put("id", id).put("state", "pending"));
      case NOT_FOUND -> Future.failedFuture(ApiException.notFound("no webhook delivery with id " + id));
      case ENDPOINT_RETIRED -> Future.failedFuture(
          ApiException.conflict("the endpoint of delivery " + id + " is retired (webhook_endpoints.active is false)"));
    });
    return audit.record(ctx, new Action(REDELIVER, Long.toString(id), new JsonObject()), 200, result);
  }

  private static String state(List<String> values) {
    if (values.size() != 1 || !Deliveries.STATES.contains(values.get(0))) {
      throw ApiException.badRequest("state must be one of " + String.join(", ", new TreeSet<>(Deliveries.STATES)));
    }
    return values.get(0);
  }
}
