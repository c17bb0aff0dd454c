package org.domainguard.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** JSON responses, including the one error shape {@code {"error", "message"}}. */
public final class Responses {
  private Responses() {}

  public static void json(RoutingContext ctx, int status, Object body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body instanceof JsonObject obj ? obj.encode() : io.vertx.core.json.Json.encode(body));
  }

  public static void error(RoutingContext ctx, int status, String code, String message) {
    json(ctx, status, new JsonObject().put("error", code).put("message", message));
  }
}
