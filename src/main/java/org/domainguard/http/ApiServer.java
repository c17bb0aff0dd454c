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

  public static Future<HttpServer> listen(Vertx vertx, String host, int port, Router router) {
    return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
        .invalidRequestHandler(ApiServer::invalidRequest)
        .requestHandler(router)
        .listen()
        .onSuccess(s -> log.info("HTTP API listening host={} port={}", host, s.actualPort()));
  }
}
