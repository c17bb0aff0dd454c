package org.domainguard.http;

import static org.domainguard.testing.Await.await;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;

/** Real HTTP against a test daemon's API on 127.0.0.1, remembering every response so tests can scan them for secrets. */
final class AdminClient {
  private final WebClient web;
  private final int port;
  private final List<HttpResponse<Buffer>> seen = new ArrayList<>();

  AdminClient(Vertx vertx, int port) {
    this.web = WebClient.create(vertx);
    this.port = port;
  }

  HttpResponse<Buffer> get(String path, String token) {
    return send(HttpMethod.GET, path, token, null);
  }

  HttpResponse<Buffer> post(String path, String token, String body) {
    return send(HttpMethod.POST, path, token, body == null ? null : Buffer.buffer(body));
  }

  HttpResponse<Buffer> post(String path, String token, JsonObject body) {
    return post(path, token, body.encode());
  }

  HttpResponse<Buffer> send(HttpMethod method, String path, String token, Buffer body) {
    return sendAuthorized(method, path, token == null ? null : "Bearer " + token, body);
  }

  /** With this exact Authorization header (null for none). */
  HttpResponse<Buffer> sendAuthorized(HttpMethod method, String path, String authorization, Buffer body) {
    return sendAuthorized(method, path, authorization == null ? List.of() : List.of(authorization), body);
  }

  /** With one Authorization header per element, in order. */
  HttpResponse<Buffer> sendAuthorized(HttpMethod method, String path, List<String> authorizations, Buffer body) {
    HttpRequest<Buffer> request = web.request(method, port, "127.0.0.1", path);
    if (!authorizations.isEmpty()) {
      request.putHeader("Authorization", authorizations);
    }
    if (body != null) {
      request.putHeader("Content-Type", "application/json");
    }
    HttpResponse<Buffer> response = await(body == null ? request.send() : request.sendBuffer(body));
    seen.add(response);
    return response;
  }

  /** Every status line header and body this client has received, as text. */
  String everythingSeen() {
    StringBuilder all = new StringBuilder();
    for (HttpResponse<Buffer> r : seen) {
      all.append(r.statusCode()).append('\n');
      r.headers().forEach(h -> all.append(h.getKey()).append(": ").append(h.getValue()).append('\n'));
      all.append(r.body() == null ? "" : r.bodyAsString()).append('\n');
    }
    return all.toString();
  }

  void close() {
    web.close();
  }
}
