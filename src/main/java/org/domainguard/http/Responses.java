package org.domainguard.http;

import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** JSON responses, including the one error shape {@code {"error", "message"}}. */
public final class Responses {
  private Responses() {}

  public static void json(RoutingContext ctx, int status, Object body) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body instanceof JsonObject obj ? obj.encode() : Json.encode(body));
  }

  /** Answers an {@link ApiException}: its status, its headers, and its code and message (plus any details). */
  public static void error(RoutingContext ctx, ApiException e) {
    if (ctx.response().ended() || ctx.response().closed() || ctx.response().headWritten()) {
      return;
    }
    e.headers().forEach(ctx.response()::putHeader);
    json(ctx, e.status(), new JsonObject().put("error", e.code()).put("message", e.getMessage()).mergeIn(e.details()));
  }

  /** Ends a handler's pipeline: the JSON result with {@code status}, or the failure to the router's failure handler. */
  public static Handler<AsyncResult<JsonObject>> reply(RoutingContext ctx, int status) {
    return ar -> {
      if (ar.succeeded()) {
        json(ctx, status, ar.result());
      } else {
        ctx.fail(ar.cause());
      }
    };
  }
}
