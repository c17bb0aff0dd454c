package org.domainguard.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import org.domainguard.config.AppConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP listener for health, metrics and admin routes. A failed bind fails start-up. */
public final class ApiServer {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  private ApiServer() {}

  /** Requests the HTTP decoder could not read (over-long line or headers, bad syntax) still get the JSON error shape. */
  private static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = cause instanceof TooLongHttpLineException ? 414 : cause instanceof TooLongHttpHeaderException ? 431 : 400;
    String code = status == 414 ? "uri_too_long" : status == 431 ? "headers_too_large" : "bad_request";
    request.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Connection", "close")
        .end(new JsonObject().put("error", code).put("message", "the HTTP request could not be read (" + code.replace('_', ' ') + ")").encode());
  }

  /**
   * Serves {@code router} over HTTP/1.1 on {@code http.host():http.port()} under the connection
   * limits of {@code http.connections()}. Adds a first route to {@code router} that tells the
   * {@link ConnectionGuard} when each request starts and ends.
   */
  public static Future<HttpServer> listen(Vertx vertx, AppConfig.Http http, Router router) {
    AppConfig.Connections limits = http.connections();
    ConnectionGuard guard = new ConnectionGuard(vertx, limits);
    router.route().order(Integer.MIN_VALUE).handler(guard::requestStarted);
    HttpServerOptions options = new HttpServerOptions()
        .setHost(http.host())
        .setPort(http.port())
        .setIdleTimeout((int) limits.idleTimeout().toMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        // With cleartext HTTP/2 on, Vert.x first sniffs each connection for it and the connection
        // handler does not see HTTP/1.1 connections open, so the guard would miss them. The API and
        // /metrics need nothing beyond HTTP/1.1.
        .setHttp2ClearTextEnabled(false);
    return vertx.createHttpServer(options)
        .connectionHandler(guard::connected)
        .invalidRequestHandler(ApiServer::invalidRequest)
        .requestHandler(router)
        .listen()
        .onSuccess(s -> log.info("HTTP API listening host={} port={} idleTimeout={} headerTimeout={} maxConnections={}",
            http.host(), s.actualPort(), limits.idleTimeout(), limits.headerTimeout(), limits.max()));
  }
}
