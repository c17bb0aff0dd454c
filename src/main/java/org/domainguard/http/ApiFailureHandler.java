package org.domainguard.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's one failure handler (also its 404, 405 and 413 handler): every failure becomes
 * {@code {"error", "message"}} with its status. Unexpected failures are logged here, once, with
 * their cause, and answered as a bare 500 so no internals reach the client.
 */
final class ApiFailureHandler implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(ApiFailureHandler.class);

  @Override
  public void handle(RoutingContext ctx) {
    Responses.error(ctx, translate(ctx));
  }

  private static ApiException translate(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    ApiException known = failure == null ? null : ApiException.translate(failure);
    if (known != null) {
      return known;
    }
    // vertx-web reports routing and body failures by status (no route, wrong method, body too large).
    if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      return ApiException.forStatus(ctx.statusCode());
    }
    log.error("request failed method={} path={} status={}", ctx.request().method(), ctx.request().path(), ctx.statusCode(), failure);
    return ApiException.internal();
  }
}
