package org.domainguard.http;

import static org.domainguard.http.AdminFixtures.OPERATOR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.domainguard.testing.TestDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Invalid input is a 400 (or 404, 405, 413) with the one JSON error shape, and never acts. Nothing
 * here may change anything, so one daemon serves the whole class: each test also checks that
 * what ran before it changed nothing.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class AdminValidationTest {
  private static final String LONG_NAME = "a".repeat(60) + "." + "b".repeat(60) + "." + "c".repeat(60) + "." + "d".repeat(60) + "." + "e".repeat(55) + ".com";

  private TestDaemon d;
  private AdminClient api;

  @BeforeAll
  void start(Vertx vertx) {
    d = AdminFixtures.daemonWithTokens(vertx, java.util.Map.of(), "a@example.com");
    api = new AdminClient(vertx, d.daemon.httpPort());
    d.sweep("all");
  }

  @AfterAll
  void stop() {
    api.close();
    d.stop();
  }

  @AfterEach
  void nothingChanged() {
    assertEquals(1, d.count("SELECT count(*) FROM sweeps"), "only the set-up sweep");
    assertEquals(1, d.count("SELECT count(*) FROM domain_checks"), "only the set-up sweep's check");
    assertEquals(0, d.count("SELECT count(*) FROM admin_actions WHERE outcome = 'ok'"), "no action succeeded");
  }

  /** Asserts the status and the error shape: exactly error and message (plus id on a sweep conflict), no internals. */
  private static JsonObject error(HttpResponse<Buffer> response, int status, String code) {
    assertEquals(status, response.statusCode(), response::bodyAsString);
    assertEquals("application/json", response.getHeader("Content-Type"));
    JsonObject body = response.bodyAsJsonObject();
    assertEquals(code, body.getString("error"), body::encode);
    assertFalse(body.getString("message").isBlank());
    assertEquals(java.util.Set.of("error", "message"), body.fieldNames());
    assertFalse(response.bodyAsString().contains("Exception") || response.bodyAsString().contains("at org."), "no internals");
    return body;
  }

  private HttpResponse<Buffer> recheck(String body) {
    return api.post("/admin/v1/rechecks", OPERATOR, body);
  }

  @ParameterizedTest(name = "recheck body {0} is a 400")
  @ValueSource(strings = {
      "{\"domain\":",                                   // malformed JSON
      "not json",
      "[\"example.com\"]",                              // not an object
      "\"example.com\"",
      "{\"domain\": 5}",                                // wrong types
      "{\"domain\": null}",
      "{\"email\": [\"a@example.com\"]}",
      "{}",                                             // neither
      "{\"domain\": \"example.com\", \"email\": \"a@example.com\"}",  // both
      "{\"domain\": \"example.com\", \"force\": true}", // unknown field
      "{\"domain\": \"exa mple.com\"}",                 // bad syntax
      "{\"domain\": \"-x.com\"}",
      "{\"domain\": \"../etc/passwd\"}",
      "{\"domain\": \"com\"}",                          // a public suffix
      "{\"domain\": \"mail.example.com\"}",             // not registrable
      "{\"domain\": \"127.0.0.1\"}",
      "{\"domain\": \"a@example.com\"}",
      "{\"domain\": \"\"}",
      "{\"email\": \"not-an-address\"}",
      "{\"email\": \"a@localhost\"}"})
  void invalidRecheckRequestsAre400(String body) {
    error(recheck(body), 400, "bad_request");
  }

  @Test
  void emptyRecheckBodyIs400() {
    error(api.post("/admin/v1/rechecks", OPERATOR, (String) null), 400, "bad_request");
  }

  @Test
  void overLongNamesAre400WithoutEchoingThem() {
    String name = "x".repeat(300) + ".com";
    JsonObject body = error(recheck(new JsonObject().put("domain", name).encode()), 400, "bad_request");
    assertFalse(body.getString("message").contains(name));
    error(recheck(new JsonObject().put("domain", LONG_NAME).encode()), 400, "bad_request");
    error(recheck(new JsonObject().put("email", "a@" + name).encode()), 400, "bad_request");
    error(api.get("/admin/v1/domains/" + name, OPERATOR), 400, "bad_request");
    error(api.get("/admin/v1/emails/a%40" + "y".repeat(330) + ".com", OPERATOR), 400, "bad_request");
  }

  @ParameterizedTest(name = "sweep body {0} is a 400")
  @ValueSource(strings = {"{\"scope\": \"some\"}", "{\"scope\": 1}", "{\"scope\": \"ALL\"}", "{\"scope\": \"due\", \"limit\": 5}", "[]", "{"})
  void invalidSweepRequestsAre400AndStartNothing(String body) {
    error(api.post("/admin/v1/sweeps", OPERATOR, body), 400, "bad_request");
  }

  @ParameterizedTest(name = "domain path {0} is a 400")
  @ValueSource(strings = {"..%2Fetc%2Fpasswd", "exa%20mple.com", "-x.com", "com", "mail.example.com", "a%40example.com", "%00.com", "%zz"})
  void invalidDomainPathsAre400(String name) {
    error(api.get("/admin/v1/domains/" + name, OPERATOR), 400, "bad_request");
  }

  @Test
  void dotSegmentsNeverEscapeTheApi() {
    HttpResponse<Buffer> response = api.get("/admin/v1/domains/../etc/passwd", OPERATOR);
    assertEquals("application/json", response.getHeader("Content-Type"));
    assertEquals(404, response.statusCode());
  }

  @Test
  void unknownDomainsAndAddressesAre404() {
    error(api.get("/admin/v1/domains/unwatched.com", OPERATOR), 404, "not_found");
    error(api.get("/admin/v1/emails/nobody@unwatched.com", OPERATOR), 404, "not_found");
    error(api.get("/admin/v1/emails/no-at-sign", OPERATOR), 400, "bad_request");
    error(api.get("/admin/v1/emails/a%00@example.com", OPERATOR), 400, "bad_request");
  }

  @ParameterizedTest(name = "sweep id {0} is a 400")
  @ValueSource(strings = {"abc", "0", "-1", "1.5", "99999999999999999999", "1e3", "%201"})
  void sweepIdsThatAreNotPositiveIntegersAre400(String id) {
    error(api.get("/admin/v1/sweeps/" + id, OPERATOR), 400, "bad_request");
    error(api.post("/admin/v1/sweeps/" + id + "/cancel", OPERATOR, (String) null), 400, "bad_request");
  }

  @Test
  void nonexistentSweepIs404() {
    error(api.get("/admin/v1/sweeps/424242", OPERATOR), 404, "not_found");
    error(api.post("/admin/v1/sweeps/424242/cancel", OPERATOR, (String) null), 404, "not_found");
  }

  @Test
  void revertOfANonexistentSweepIs404() {
    error(api.post("/admin/v1/sweeps/424242/revert", OPERATOR, (String) null), 404, "not_found");
  }

  @ParameterizedTest(name = "ambiguous body {0} is a 400")
  @ValueSource(strings = {
      "{\"domain\": \"unwatched.com\", \"domain\": \"example.com\"}",
      "{\"domain\": \"example.com\", \"domain\": \"example.com\"}",
      "{\"domain\": \"example.com\" /* and more */}",
      "// the usual one\n{\"domain\": \"example.com\"}",
      "# the usual one\n{\"domain\": \"example.com\"}"})
  void ambiguousRecheckBodiesAre400NamingTheProblem(String body) {
    String message = error(recheck(body), 400, "bad_request").getString("message");
    assertTrue(message.contains(body.contains("/") || body.contains("#") ? "comment" : "duplicate member 'domain'"), message);
  }

  @Test
  void duplicateMembersAreRefusedOnEveryRoute() {
    String message = error(api.post("/admin/v1/sweeps", OPERATOR, "{\"scope\": \"due\", \"scope\": \"all\"}"), 400, "bad_request").getString("message");
    assertTrue(message.contains("duplicate member 'scope'"), message);
    error(api.post("/admin/v1/held-changes/approve", OPERATOR, "{\"all\": false, \"all\": true}"), 400, "bad_request");
  }

  @Test
  void twoAuthorizationHeadersAre400() {
    String viewer = "Bearer " + AdminFixtures.VIEWER;
    String operator = "Bearer " + OPERATOR;
    for (List<String> headers : List.of(List.of(viewer, "Bearer wrong"), List.of(viewer, viewer), List.of(operator, viewer))) {
      String message = error(api.sendAuthorized(HttpMethod.GET, "/admin/v1/sweeps", headers, null), 400, "bad_request").getString("message");
      assertTrue(message.contains("Authorization"), message);
    }
    error(api.sendAuthorized(HttpMethod.POST, "/admin/v1/rechecks", List.of(operator, viewer),
        Buffer.buffer("{\"domain\": \"example.com\"}")), 400, "bad_request");
  }

  @ParameterizedTest(name = "limit {0} is a 400")
  @ValueSource(strings = {"0", "101", "x", "-5", "10&limit=20"})
  void limitsOutsideOneToAHundredAre400(String limit) {
    error(api.get("/admin/v1/sweeps?limit=" + limit, OPERATOR), 400, "bad_request");
  }

  @Test
  void bodyOver64KiBIs413WithTheJsonError() {
    String big = new JsonObject().put("domain", "x".repeat(70_000)).encode();
    error(recheck(big), 413, "payload_too_large");
    error(api.post("/admin/v1/sweeps", OPERATOR, big), 413, "payload_too_large");
  }

  @Test
  void unknownRoutesAre404AndWrongMethodsAre405() {
    error(api.get("/admin/v1/nope", OPERATOR), 404, "not_found");
    error(api.get("/nope", null), 404, "not_found");
    error(api.get("/admin/v1/rechecks", OPERATOR), 405, "method_not_allowed");
    error(api.send(HttpMethod.DELETE, "/admin/v1/sweeps/1", OPERATOR, null), 405, "method_not_allowed");
    error(api.send(HttpMethod.PUT, "/admin/v1/sweeps", OPERATOR, Buffer.buffer("{}")), 405, "method_not_allowed");
  }
}
