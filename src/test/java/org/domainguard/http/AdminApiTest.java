package org.domainguard.http;

import static org.domainguard.http.AdminFixtures.OPERATOR;
import static org.domainguard.http.AdminFixtures.VIEWER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.domainguard.testing.TestDaemon;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.yaml.snakeyaml.Yaml;

/** Each admin endpoint's success path, through real HTTP against a daemon on a real PostgreSQL. */
@ExtendWith(VertxExtension.class)
@Timeout(120)
class AdminApiTest {
  /** The operations of an OpenAPI path item (its other keys, such as parameters, are not). */
  private static final Set<String> OPERATIONS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  private Vertx vertx;
  private TestDaemon d;
  private AdminClient api;

  @BeforeEach
  void keep(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Starts the daemon with these verified addresses already in the host's table. */
  private void start(String... addresses) {
    d = AdminFixtures.daemonWithTokens(vertx, Map.of(), addresses);
    api = new AdminClient(vertx, d.daemon.httpPort());
  }

  @AfterEach
  void stop() {
    if (d != null) {
      api.close();
      d.stop();
    }
  }

  private static JsonObject json(HttpResponse<Buffer> response, int status) {
    assertEquals(status, response.statusCode(), response::bodyAsString);
    assertEquals("application/json", response.getHeader("Content-Type"));
    return response.bodyAsJsonObject();
  }

  /** Watches {@code domain} (of {@code addresses}) as ACTIVE by sweeping once, then makes the simulator answer {@code status}. */
  private void watchedThenAnswering(String domain, String status, String... addresses) {
    start(addresses);
    d.simulate(domain, new JsonObject().put("status", "active"));
    d.sweep("all");
    d.simulate(domain, new JsonObject().put("status", status));
  }

  @Test
  void theFleetListsThisDaemonAliveWithItsShareOfTheProvidersLimit() {
    start("a@one.com");
    JsonObject fleet = json(api.get("/admin/v1/fleet", VIEWER), 200);

    assertEquals(1, fleet.getInteger("alive"), fleet::encode);
    JsonObject self = fleet.getJsonArray("daemons").getJsonObject(0);
    assertEquals(true, self.getBoolean("self"));
    assertEquals(true, self.getBoolean("alive"));
    assertEquals(0, self.getLong("leases"), "no sweep runs: nothing leased");
    JsonObject share = self.getJsonArray("shares").getJsonObject(0);
    assertEquals("provider:simulator", share.getString("limit"));
    assertEquals(1000, share.getDouble("rate"), 1e-9, "alone, it has the whole of the test daemon's 1000 calls/s");
  }

  @Test
  void recheckOfADomainChecksNowAndAppliesThePolicy() {
    watchedThenAnswering("lapsed.com", "active expiring", "a@lapsed.com", "b@mail.lapsed.com");

    JsonObject body = json(api.post("/admin/v1/rechecks", OPERATOR, new JsonObject().put("domain", "Lapsed.COM")), 200);

    assertEquals("lapsed.com", body.getString("domain"));
    assertEquals("REDEMPTION", body.getString("phase"));
    assertEquals(new JsonArray().add("active").add("expiring"), body.getJsonArray("statuses"));
    assertEquals("ok", body.getString("outcome"));
    assertEquals(2, body.getInteger("changed"));
    assertEquals(0, d.count("SELECT count(*) FROM email_addresses WHERE verified"));
  }

  @Test
  void recheckOfAnEmailChecksItsRegistrableDomain() {
    watchedThenAnswering("example.co.uk", "deleting", "a@mail.example.co.uk");

    JsonObject body = json(api.post("/admin/v1/rechecks", OPERATOR, new JsonObject().put("email", "Someone@Eng.Mail.Example.CO.UK")), 200);

    assertEquals("example.co.uk", body.getString("domain"));
    assertEquals("PENDING_DELETE", body.getString("phase"));
    assertEquals(1, body.getInteger("changed"));
  }

  @Test
  void recheckOfAnUnwatchedDomainIs404WithItsNormalisedName() {
    start();
    JsonObject body = json(api.post("/admin/v1/rechecks", OPERATOR, new JsonObject().put("domain", "Bücher.DE")), 404);
    assertEquals("not_found", body.getString("error"));
    assertEquals("domain xn--bcher-kva.de is not watched", body.getString("message"));
  }

  @Test
  void startedSweepIsFollowedToItsEndAndListedNewestFirst() throws InterruptedException {
    start("a@one.com", "b@two.org");
    long first = d.sweep("all");

    long id = json(api.post("/admin/v1/sweeps", OPERATOR, new JsonObject().put("scope", "all")), 202).getLong("id");
    JsonObject sweep = waitForEnd(id);

    assertEquals("completed", sweep.getString("state"));
    assertEquals("all", sweep.getString("scope"));
    assertEquals("api", sweep.getString("trigger"));
    assertEquals(2, sweep.getInteger("total"));
    assertEquals(2, sweep.getInteger("done"));
    assertEquals(0, sweep.getInteger("failed"));
    assertEquals(0, sweep.getInteger("changed"));
    assertNotNull(sweep.getString("startedAt"));
    assertNotNull(sweep.getString("finishedAt"));
    assertTrue(sweep.getDouble("ratePerSecond") >= 0);
    assertTrue(sweep.containsKey("etaSeconds") && sweep.getValue("etaSeconds") == null, "no ETA once finished");

    JsonArray recent = json(api.get("/admin/v1/sweeps", VIEWER), 200).getJsonArray("sweeps");
    assertEquals(List.of(id, first), recent.stream().map(s -> ((JsonObject) s).getLong("id")).toList());
    JsonArray one = json(api.get("/admin/v1/sweeps?limit=1", VIEWER), 200).getJsonArray("sweeps");
    assertEquals(1, one.size());
    assertEquals(id, one.getJsonObject(0).getLong("id"));
  }

  @Test
  void emptyBodyStartsADueSweep() throws InterruptedException {
    start();
    long id = json(api.post("/admin/v1/sweeps", OPERATOR, (String) null), 202).getLong("id");
    assertEquals("due", waitForEnd(id).getString("scope"));
  }

  @Test
  void runningSweepShowsLiveProgressRefusesASecondAndCanBeCancelled() throws InterruptedException {
    // The simulator never answers slow.com: its check takes the response timeout, three times.
    start("a@slow.com");
    d.simulate("slow.com", new JsonObject().put("status", "active").put("fail", "timeout").put("times", 1000));
    long id = json(api.post("/admin/v1/sweeps", OPERATOR, new JsonObject().put("scope", "all")), 202).getLong("id");

    JsonObject conflict = json(api.post("/admin/v1/sweeps", OPERATOR, "{}"), 409);
    assertEquals("conflict", conflict.getString("error"));
    assertEquals(id, conflict.getLong("id"), "names the running sweep");

    JsonObject live = json(api.get("/admin/v1/sweeps/" + id, VIEWER), 200);
    assertEquals("running", live.getString("state"));
    assertEquals(1, live.getInteger("total"));
    assertNull(live.getString("finishedAt"));
    assertTrue(live.containsKey("ratePerSecond") && live.containsKey("etaSeconds"));

    JsonObject busy = json(api.post("/admin/v1/rechecks", OPERATOR, new JsonObject().put("domain", "slow.com")), 409);
    assertEquals("conflict", busy.getString("error"), "the sweep holds the domain's lease");

    JsonObject cancelling = json(api.post("/admin/v1/sweeps/" + id + "/cancel", OPERATOR, (String) null), 202);
    assertEquals(id, cancelling.getLong("id"));
    assertEquals("cancelled", waitForEnd(id).getString("state"));
    assertEquals("conflict", json(api.post("/admin/v1/sweeps/" + id + "/cancel", OPERATOR, (String) null), 409).getString("error"));
    assertEquals(1, d.count("SELECT count(*) FROM admin_actions WHERE action = 'sweep_cancel' AND status = 202 AND token_name = 'admin'"));
  }

  @Test
  void domainShowsPhaseCheckTimesAddressCountsAndHistory() {
    watchedThenAnswering("lapsed.com", "active expiring", "a@lapsed.com", "b@lapsed.com");
    api.post("/admin/v1/rechecks", OPERATOR, new JsonObject().put("domain", "lapsed.com"));
    // Arriving verified on a domain known to be lapsed, it has the domain checked afresh and is unverified.
    d.insertVerified("new@lapsed.com");
    d.sweep("due");

    JsonObject domain = json(api.get("/admin/v1/domains/LAPSED.com", VIEWER), 200);

    assertEquals("lapsed.com", domain.getString("name"));
    assertEquals("REDEMPTION", domain.getString("phase"));
    assertEquals(new JsonArray().add("active").add("expiring"), domain.getJsonArray("statuses"));
    assertNotNull(domain.getString("lastCheckedAt"));
    assertNotNull(domain.getString("lastSuccessAt"));
    assertNotNull(domain.getString("nextCheckAt"));
    assertEquals(0, domain.getInteger("failureCount"));
    assertEquals(new JsonObject().put("total", 3).put("verified", 0), domain.getJsonObject("addresses"));
    JsonArray history = domain.getJsonArray("history");
    assertEquals(3, history.size());
    JsonObject latest = history.getJsonObject(0);
    assertEquals("ok", latest.getString("outcome"));
    assertEquals("REDEMPTION", latest.getString("phase"));
    assertEquals("REDEMPTION", history.getJsonObject(1).getString("phase"));
    assertEquals("ACTIVE", history.getJsonObject(2).getString("phase"));
    assertNotNull(latest.getString("startedAt"));
  }

  @Test
  void emailShowsVerificationReasonDomainAndPhase() {
    watchedThenAnswering("lapsed.com", "active expiring", "a@mail.lapsed.com");
    api.post("/admin/v1/rechecks", OPERATOR, new JsonObject().put("domain", "lapsed.com"));

    JsonObject email = json(api.get("/admin/v1/emails/A@Mail.Lapsed.com", VIEWER), 200);

    assertEquals("a@mail.lapsed.com", email.getString("address"));
    assertFalse(email.getBoolean("verified"));
    assertEquals("domain_redemption", email.getString("unverifyReason"));
    assertEquals("lapsed.com", email.getString("domain"));
    assertEquals("REDEMPTION", email.getString("phase"));
    assertEquals(1, email.getInteger("matches"));
  }

  @Test
  void emailNotYetDiscoveredIsFoundWithTheDomainItWillBeWatchedUnder() {
    start();
    d.insertVerified("fresh@sub.example.org");
    JsonObject email = json(api.get("/admin/v1/emails/fresh%40sub.example.org", VIEWER), 200);
    assertTrue(email.getBoolean("verified"));
    assertEquals("example.org", email.getString("domain"));
    assertNull(email.getString("phase"));
    assertEquals("not_found", json(api.get("/admin/v1/emails/nobody@example.org", VIEWER), 404).getString("error"));
  }

  @Test
  void openApiDocumentDescribesExactlyTheRoutesTheDaemonServes() {
    start();
    HttpResponse<Buffer> response = api.get("/openapi.yaml", null);
    assertEquals(200, response.statusCode());
    assertTrue(response.getHeader("Content-Type").startsWith("application/yaml"));
    Map<String, Object> doc = new Yaml().load(response.bodyAsString());
    assertTrue(String.valueOf(doc.get("openapi")).startsWith("3."));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) doc.get("paths");
    Set<String> documented = new TreeSet<>();
    paths.forEach((path, item) -> item.keySet().stream().filter(OPERATIONS::contains)
        .forEach(method -> documented.add(method.toUpperCase(Locale.ROOT) + " " + path)));

    Set<String> served = new TreeSet<>();
    for (Route route : d.daemon.router().getRoutes()) {
      if (route.getPath() == null || !route.isExactPath()) {
        continue; // handlers in front of many routes: connection guard, authentication, body limit, failures
      }
      Set<HttpMethod> methods = route.methods();
      assertFalse(methods == null || methods.isEmpty(), "route " + route.getPath() + " answers any method");
      methods.forEach(m -> served.add(m.name() + " " + route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}")));
    }
    assertTrue(served.size() > 10, "the daemon serves its API: " + served);
    assertEquals(served, documented);
  }

  @Test
  void unexpectedFailuresAre500WithoutInternalsAndAreLoggedOnceWithTheirCause() {
    start("a@example.com");
    d.sweep("all");
    TestDatabase.jdbc(d.target, "DROP TABLE domain_checks CASCADE");
    try (LogCapture logs = new LogCapture()) {
      HttpResponse<Buffer> response = api.get("/admin/v1/domains/example.com", VIEWER);

      assertEquals(500, response.statusCode());
      assertEquals(new JsonObject().put("error", "internal").put("message", "internal error"), response.bodyAsJsonObject());
      assertEquals(1, logs.count(Level.ERROR, "ApiFailureHandler"));
      assertTrue(logs.text().contains("domain_checks"), "the cause is in the log");
    }
  }

  private JsonObject waitForEnd(long id) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    JsonObject sweep = json(api.get("/admin/v1/sweeps/" + id, VIEWER), 200);
    while (sweep.getString("state").equals("running") && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
      sweep = json(api.get("/admin/v1/sweeps/" + id, VIEWER), 200);
    }
    return sweep;
  }
}
