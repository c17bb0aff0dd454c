package org.domainguard.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's one failure handler (and, through {@link #forStatus}, its error handler for what
 * vertx-web answers itself): every failure becomes {@code {"error", "message"}} with its status.
 * Unexpected failures are logged here, once, with their cause, and answered as a bare 500 so no
 * internals reach the client.
 */
final class ApiFailureHandler implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(ApiFailureHandler.class);

  @Override
  public void handle(RoutingContext ctx) {
    Responses.error(ctx, translate(ctx, ctx.statusCode()));
  }

  /**
   * For the router's own errors (no route, wrong method, undecodable path, body too large): they
   * arrive by status, which the context itself may not carry.
   */
  Handler<RoutingContext> forStatus(int status) {
    return ctx -> Responses.error(ctx, translate(ctx, status));
  }

  private static ApiException translate(RoutingContext ctx, int status) {
    Throwable failure = ctx.failure();
    ApiException known = failure == null ? null : ApiException.translate(failure);
    if (known != null) {
      if (known.status() >= 500) {
        log.warn("request failed method={} path={} status={}", ctx.request().method(), ctx.request().path(), known.status(), failure);
      }
      return known;
    }
    if (status >= 400 && status < 500) {
      return ApiException.forStatus(status);
    }
    log.error("request failed method={} path={} status={}", ctx.request().method(), ctx.request().path(), status, failure);
    return ApiException.internal();
  }
}
