package org.domainguard.http;

import static org.domainguard.http.AdminFixtures.OPERATOR;
import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import org.domainguard.testing.Await;
import org.domainguard.testing.TestDaemon;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A corpus of hostile input: every request gets a 4xx with the JSON error shape (never a 5xx or a
 * stack trace), every bad row is skipped with a reason, and the pipeline keeps working afterwards.
 */
@ExtendWith(VertxExtension.class)
@Timeout(120)
class HostileInputTest {
  private TestDaemon d;
  private AdminClient api;
  private HttpClient raw;

  @BeforeEach
  void start(Vertx vertx) {
    d = AdminFixtures.daemonWithTokens(vertx, Map.of(), "ok@example.com");
    api = new AdminClient(vertx, d.daemon.httpPort());
    raw = vertx.createHttpClient(new HttpClientOptions().setMaxHeaderSize(1 << 20));
  }

  @AfterEach
  void stop() {
    api.close();
    d.stop();
  }

  private static void isClientError(HttpResponse<Buffer> r, String what) {
    assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, what + " → " + r.statusCode() + " " + r.bodyAsString());
    assertTrue(r.bodyAsString() != null && r.bodyAsJsonObject().containsKey("error"), what + " → " + r.statusCode() + " without the JSON error");
    assertTrue(!r.bodyAsString().contains("at org.") && !r.bodyAsString().contains("Exception"), what + " leaks internals");
  }

  @Test
  void hostileBodiesAreRefusedWithA4xxAndWriteNothingButTheirAudit() {
    // example.com is watched, so a body accepted by mistake would check it and write that check.
    Await.until("discovery of example.com", () -> d.count("SELECT count(*) FROM domains WHERE name = 'example.com'") == 1);
    List<String> bodies = List.of(
        "[".repeat(20_000) + "]".repeat(20_000),
        "{\"domain\":" + "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_001),
        "{\"domain\": \"example.com'; DROP TABLE domains; --\"}",
        "{\"domain\": \"example.com\\u0000.evil\"}",
        "{\"domain\": \"exam\\u200Bple.com\"}",
        "{\"domain\": \"\\u202Emoc.elpmaxe\"}",
        "{\"domain\": \"еxample.com\", \"domain\": 5}",
        "{\"email\": \"a@b@c@\"}",
        "{\"email\": \"\\\"a\\\"@[::1]\"}",
        "{\"domain\": \"" + "a.".repeat(200) + "com\"}",
        "{\"scope\": {\"$gt\": \"\"}}",
        "\uFEFF{\"domain\": \"example.com\"} trailing");
    for (String body : bodies) {
      isClientError(api.post("/admin/v1/rechecks", OPERATOR, body), "body " + body.substring(0, Math.min(40, body.length())));
    }
    isClientError(api.post("/admin/v1/sweeps", OPERATOR, "{\"scope\": \"due' OR '1'='1\"}"), "sql in scope");
    Buffer invalidUtf8 = Buffer.buffer(new byte[] {'{', '"', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
    isClientError(api.send(HttpMethod.POST, "/admin/v1/rechecks", OPERATOR, invalidUtf8), "invalid UTF-8");

    // What a recheck or a sweep would have written: none of it.
    assertEquals(0, d.count("SELECT count(*) FROM domain_checks"), "no check was made");
    assertEquals(0, d.count("SELECT count(*) FROM domains WHERE last_checked_at IS NOT NULL"), "no domain was checked");
    assertEquals(0, d.count("SELECT count(*) FROM email_addresses WHERE NOT verified"), "no address was unverified");
    assertEquals(0, d.count("SELECT count(*) FROM verification_events"));
    assertEquals(0, d.count("SELECT count(*) FROM held_changes"));
    assertEquals(0, d.count("SELECT count(*) FROM sweeps"), "no sweep was started");
    // Only the audit of each refused attempt: bodies.size() + the sweep + the invalid UTF-8.
    assertEquals(bodies.size() + 2, d.count("SELECT count(*) FROM admin_actions WHERE status BETWEEN 400 AND 499 AND outcome <> 'ok'"),
        "every refusal is audited as one");
    assertEquals(bodies.size() + 2, d.count("SELECT count(*) FROM admin_actions"), "and nothing else is");

    // The same route with a well-formed body does write: the counts above could have failed.
    assertEquals(200, api.post("/admin/v1/rechecks", OPERATOR, "{\"domain\": \"example.com\"}").statusCode());
    assertEquals(1, d.count("SELECT count(*) FROM domain_checks"));
    assertEquals(1, d.count("SELECT count(*) FROM admin_actions WHERE action = 'recheck' AND outcome = 'ok'"));
  }

  @Test
  void hostilePathsAreRefusedWithA4xx() {
    for (String path : List.of("/admin/v1/domains/example.com%27%3B%20DROP%20TABLE%20domains%3B--",
        "/admin/v1/domains/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/admin/v1/domains/..%5c..%5cwindows", "/admin/v1/emails/%00",
        "/admin/v1/emails/" + "%F0%9F%92%A9".repeat(100) + "@example.com", "/admin/v1/sweeps/1;DROP", "/admin/v1/sweeps/%ff",
        "/admin/v1/domains/" + "x".repeat(5_000), "/admin/v1/../../../etc/passwd")) {
      isClientError(api.get(path, OPERATOR), path.substring(0, Math.min(60, path.length())));
    }
  }

  @Test
  void headerAbuseIsRefusedWithA4xx() {
    int port = d.daemon.httpPort();
    for (String authorization : List.of("Bearer " + "A".repeat(100_000), "Bearer", "Bearer  " + OPERATOR + " extra",
        "Basic " + OPERATOR, "bearer\t" + OPERATOR)) {
      RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
          .setURI("/admin/v1/sweeps").putHeader("Authorization", authorization);
      int status = await(raw.request(o).compose(req -> req.send()).map(resp -> resp.statusCode()));
      assertTrue(status >= 400 && status < 500, "Authorization " + authorization.substring(0, Math.min(20, authorization.length())) + " → " + status);
    }
    RequestOptions wrongType = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI("/admin/v1/rechecks").putHeader("Authorization", "Bearer " + OPERATOR).putHeader("Content-Type", "application/xml");
    int status = await(raw.request(wrongType).compose(req -> req.send("<domain>example.com</domain>")).map(resp -> resp.statusCode()));
    assertEquals(400, status);
  }

  @Test
  void requestsTheHttpDecoderRejectsStillGetTheJsonError(Vertx vertx) {
    String broken = "GET /admin/v1/sweeps HTTP/1.1\r\nHost: x\r\n" + ("X-Pad: " + "p".repeat(1000) + "\r\n").repeat(20) + "\r\n";
    String answer = await(vertx.createNetClient().connect(d.daemon.httpPort(), "127.0.0.1").compose(socket -> {
      io.vertx.core.Promise<String> reply = io.vertx.core.Promise.promise();
      Buffer received = Buffer.buffer();
      socket.handler(received::appendBuffer);
      socket.closeHandler(v -> reply.tryComplete(received.toString()));
      socket.write(broken);
      return reply.future();
    }));
    assertTrue(answer.startsWith("HTTP/1.1 431"), answer);
    assertTrue(answer.contains("\"error\":\"headers_too_large\""), answer);
  }

  @Test
  void hostileRowsAreSkippedAndThePipelineKeepsWorking() {
    TestDatabase.jdbc(d.target, "INSERT INTO email_addresses(user_id, address, verified) VALUES "
        + "(NULL, NULL, true), ('u', repeat('x', 10240), true), ('u', repeat('y', 10240) || '@example.org', true), "
        + "('u', E'a\\x01\\x02@example.net', true), ('u', 'a@' || repeat('z', 64) || '.com', true), "
        + "('u', 'a@example.com''; DROP TABLE domains; --', true), ('u', E'\\u202Eevil@example.com', true), ('u', 'fine@example.org', true)");
    d.sweep("all");
    assertEquals(7, d.count("SELECT count(*) FROM watched_addresses WHERE skip_reason IS NOT NULL"));
    assertEquals(2, d.count("SELECT count(*) FROM domains"), "example.com and example.org, each checked");
    assertEquals(0, d.count("SELECT count(*) FROM domains WHERE last_checked_at IS NULL"));
  }
}
