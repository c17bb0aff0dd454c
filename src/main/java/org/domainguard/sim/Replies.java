package org.domainguard.sim;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writes the simulator's JSON answers, always labelled application/json like the real APIs. */
final class Replies {
  private Replies() {}

  static void json(RoutingContext ctx, int status, JsonObject body) {
    raw(ctx, status, body.encode());
  }

  /** {@code body} need not be valid JSON: the malformed fault sends a truncated one. */
  static void raw(RoutingContext ctx, int status, String body) {
    raw(ctx, status, "application/json", body);
  }

  /** An RDAP answer (RFC 7480 §4.2): labelled application/rdap+json. */
  static void rdap(RoutingContext ctx, int status, String body) {
    raw(ctx, status, RDAP_JSON, body);
  }

  static final String RDAP_JSON = "application/rdap+json";

  private static void raw(RoutingContext ctx, int status, String contentType, String body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", contentType).end(body);
  }
}
