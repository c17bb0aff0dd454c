package org.domainguard.http;

import static org.domainguard.http.AdminFixtures.ALICE;
import static org.domainguard.http.AdminFixtures.OPERATOR;
import static org.domainguard.http.AdminFixtures.VIEWER;
import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.domainguard.config.AppConfig;
import org.domainguard.config.ConfigException;
import org.domainguard.sim.Simulator;
import org.domainguard.testing.TestDaemon;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Bearer tokens, roles, the failure rate limit, the audit of operator actions, and secrets kept out of answers and logs. */
@ExtendWith(VertxExtension.class)
@Timeout(120)
class AdminAuthTest {
  private final List<TestDaemon> daemons = new ArrayList<>();
  private final List<AdminClient> clients = new ArrayList<>();
  private LogCapture logs;
  private Vertx vertx;

  @BeforeEach
  void captureLogs(Vertx vertx) {
    this.vertx = vertx;
    logs = new LogCapture();
  }

  @AfterEach
  void stop() {
    clients.forEach(AdminClient::close);
    daemons.forEach(TestDaemon::stop);
    logs.close();
  }

  private TestDaemon daemon(Map<String, String> env, String... addresses) {
    TestDaemon d = AdminFixtures.daemonWithTokens(vertx, env, addresses);
    daemons.add(d);
    return d;
  }

  private AdminClient client(TestDaemon d) {
    AdminClient c = new AdminClient(vertx, d.daemon.httpPort());
    clients.add(c);
    return c;
  }

  private static void status(HttpResponse<Buffer> response, int status, String code) {
    assertEquals(status, response.statusCode(), response::bodyAsString);
    assertEquals(code, response.bodyAsJsonObject().getString("error"));
  }

  private String capturedLogs() {
    return logs.text();
  }

  @Test
  void missingOrWrongTokenIs401WithAChallenge() {
    AdminClient api = client(daemon(Map.of()));
    for (HttpResponse<Buffer> r : List.of(
        api.get("/admin/v1/sweeps", null),
        api.get("/admin/v1/sweeps", "wrong-token"),
        api.post("/admin/v1/sweeps", OPERATOR.substring(1), "{}"),
        api.get("/admin/v1/domains/example.com", ""))) {
      status(r, 401, "unauthorized");
      assertEquals("Bearer realm=\"domain-guard\"", r.getHeader("WWW-Authenticate"));
    }
    status(api.get("/admin/v1/sweeps", OPERATOR), 200, null);
    status(api.get("/admin/v1/sweeps", ALICE), 200, null);
  }

  @Test
  void onlyTheBearerSchemeCarriesAToken() {
    AdminClient api = client(daemon(Map.of()));
    for (String header : List.of("Basic " + OPERATOR, OPERATOR, "Bearer", "Bearer  ", "Bearer " + OPERATOR + " extra")) {
      status(api.sendAuthorized(HttpMethod.GET, "/admin/v1/sweeps", header, null), 401, "unauthorized");
    }
    status(api.sendAuthorized(HttpMethod.GET, "/admin/v1/sweeps", "bearer " + OPERATOR, null), 200, null);
  }

  @Test
  void viewerReadsButCannotMutate() {
    TestDaemon d = daemon(Map.of(), "a@example.com");
    AdminClient api = client(d);
    long sweep = d.sweep("all");

    status(api.get("/admin/v1/sweeps", VIEWER), 200, null);
    status(api.get("/admin/v1/sweeps/" + sweep, VIEWER), 200, null);
    status(api.get("/admin/v1/domains/example.com", VIEWER), 200, null);
    status(api.get("/admin/v1/emails/a@example.com", VIEWER), 200, null);
    status(api.post("/admin/v1/sweeps", VIEWER, "{\"scope\": \"all\"}"), 403, "forbidden");
    status(api.post("/admin/v1/sweeps", VIEWER, (String) null), 403, "forbidden");
    status(api.post("/admin/v1/rechecks", VIEWER, "{\"domain\": \"example.com\"}"), 403, "forbidden");
    status(api.post("/admin/v1/sweeps/" + sweep + "/cancel", VIEWER, (String) null), 403, "forbidden");

    assertEquals(1, d.count("SELECT count(*) FROM sweeps"), "the viewer started no sweep");
    assertEquals(1, d.count("SELECT count(*) FROM domain_checks"), "nor checked anything");
    assertEquals(4, d.count("SELECT count(*) FROM admin_actions WHERE token_name = 'victor' AND status = 403 AND outcome = 'forbidden'"),
        "each refused attempt is kept");
    assertEquals(4, d.count("SELECT count(*) FROM admin_actions"), "reads are not operator actions");
  }

  @Test
  void refusedAttemptsAreAuditedWithTheirStatus() {
    TestDaemon d = daemon(Map.of(), "a@example.com");
    AdminClient api = client(d);
    long sweep = d.sweep("all");

    status(api.post("/admin/v1/rechecks", VIEWER, new JsonObject().put("domain", "example.com")), 403, "forbidden");
    status(api.post("/admin/v1/rechecks", OPERATOR, "{\"domain\": \"not a domain\"}"), 400, "bad_request");
    status(api.post("/admin/v1/sweeps", ALICE, "{\"scope\": \"some\"}"), 400, "bad_request");
    status(api.post("/admin/v1/sweeps/" + sweep + "/cancel", VIEWER, (String) null), 403, "forbidden");
    status(api.post("/admin/v1/sweeps/abc/revert", OPERATOR, (String) null), 400, "bad_request");
    status(api.post("/admin/v1/held-changes/approve", ALICE, "{}"), 400, "bad_request");
    status(api.post("/admin/v1/held-changes/reject", VIEWER, "{\"all\": true}"), 403, "forbidden");
    status(api.post("/admin/v1/rechecks", "wrong-token", "{}"), 401, "unauthorized");

    List<Row> rows = new ArrayList<>();
    d.query("SELECT token_name, client, action, target, params, status, outcome FROM admin_actions ORDER BY id").forEach(rows::add);
    assertEquals(7, rows.size(), "one row per attempt that got past authentication, none for the 401");
    assertAction(rows.get(0), "victor", "recheck", null, 403, "forbidden");
    assertAction(rows.get(1), "admin", "recheck", null, 400, "bad_request");
    assertAction(rows.get(2), "alice", "sweep_start", null, 400, "bad_request");
    assertAction(rows.get(3), "victor", "sweep_cancel", Long.toString(sweep), 403, "forbidden");
    assertAction(rows.get(4), "admin", "sweep_revert", null, 400, "bad_request");
    assertAction(rows.get(5), "alice", "held_approve", null, 400, "bad_request");
    assertAction(rows.get(6), "victor", "held_reject", null, 403, "forbidden");
    assertEquals("127.0.0.1", rows.get(0).getString("client"));
    assertEquals(1, d.count("SELECT count(*) FROM sweeps"), "nothing was started");
    assertEquals(1, d.count("SELECT count(*) FROM domain_checks"), "nor checked");
    assertTrue(capturedLogs().contains("admin action action=recheck target=null token=victor client=127.0.0.1 status=403 outcome=forbidden"),
        this::capturedLogs);
  }

  @Test
  void repeatedFailuresFromOneAddressAre429UntilTheMinuteEndsButValidTokensStillWork() {
    TestDaemon d = daemon(Map.of());
    AdminClient api = client(d);
    for (int i = 0; i < 10; i++) {
      status(api.get("/admin/v1/sweeps", "guess-" + i), 401, "unauthorized");
    }
    HttpResponse<Buffer> limited = api.get("/admin/v1/sweeps", "guess-10");
    status(limited, 429, "too_many_requests");
    long retryAfter = Long.parseLong(limited.getHeader("Retry-After"));
    assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
    status(api.get("/admin/v1/sweeps", "guess-11"), 429, "too_many_requests");
    // Only failures are limited: a flood of bad guesses never locks a real operator out.
    assertEquals(200, api.get("/admin/v1/sweeps", OPERATOR).statusCode());

    String metrics = api.get("/metrics", null).bodyAsString();
    assertTrue(metrics.contains("domainguard_admin_auth_failures_total{reason=\"invalid\"} 10.0"), metrics);
    assertTrue(metrics.contains("domainguard_admin_auth_failures_total{reason=\"rate_limited\"} 2.0"), metrics);
  }

  @Test
  void everyOperatorActionIsAuditedWithTheTokensName() throws InterruptedException {
    TestDaemon d = daemon(Map.of(), "a@example.com");
    AdminClient api = client(d);
    d.sweep("all");

    status(api.post("/admin/v1/rechecks", ALICE, new JsonObject().put("email", "a@example.com")), 200, null);
    status(api.post("/admin/v1/rechecks", OPERATOR, new JsonObject().put("domain", "unwatched.com")), 404, "not_found");
    long id = api.post("/admin/v1/sweeps", ALICE, new JsonObject().put("scope", "due")).bodyAsJsonObject().getLong("id");
    awaitFinished(d, id);
    status(api.post("/admin/v1/sweeps/" + id + "/cancel", OPERATOR, (String) null), 409, "conflict");

    List<Row> rows = new ArrayList<>();
    d.query("SELECT token_name, client, action, target, params, status, outcome FROM admin_actions ORDER BY id").forEach(rows::add);
    assertEquals(4, rows.size());
    assertAction(rows.get(0), "alice", "recheck", "example.com", 200, "ok");
    assertEquals(new JsonObject().put("email", "a@example.com"), rows.get(0).getJsonObject("params"));
    assertAction(rows.get(1), "admin", "recheck", "unwatched.com", 404, "not_found");
    assertAction(rows.get(2), "alice", "sweep_start", Long.toString(id), 202, "ok");
    assertEquals(new JsonObject().put("scope", "due"), rows.get(2).getJsonObject("params"));
    assertAction(rows.get(3), "admin", "sweep_cancel", Long.toString(id), 409, "conflict");
    assertEquals("127.0.0.1", rows.get(0).getString("client"));

    assertTrue(capturedLogs().contains("admin action action=sweep_start target=" + id + " token=alice"), this::capturedLogs);
  }

  private static void assertAction(Row row, String token, String action, String target, int status, String outcome) {
    assertEquals(token, row.getString("token_name"));
    assertEquals(action, row.getString("action"));
    assertEquals(target, row.getString("target"));
    assertEquals(status, row.getInteger("status"));
    assertEquals(outcome, row.getString("outcome"));
  }

  private static void awaitFinished(TestDaemon d, long id) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (d.count("SELECT count(*) FROM sweeps WHERE state = 'running' AND id = " + id) > 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    // The row ends a moment before the service forgets the run; cancel must then find nothing running.
    while (d.call(() -> io.vertx.core.Future.succeededFuture(d.daemon.sweeps().running().isPresent())) && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
  }

  @Test
  void tokensAndTheProviderKeyNeverAppearInAnswersOrLogs() {
    String fastlyKey = "fastly-Key-Never-Shown-3c7e";
    Simulator provider = await(Simulator.start(vertx, new AppConfig.Simulator(0, Duration.ZERO, 0, 0, 0, 0, 1, 7)));
    try {
      TestDaemon d = daemon(Map.of(
          "DOMAINGUARD_PROVIDER", "fastly",
          "DOMAINGUARD_FASTLY_BASE_URL", provider.baseUrl(),
          "DOMAINGUARD_FASTLY_API_KEY", fastlyKey), "a@example.com");
      AdminClient api = client(d);
      d.sweep("all");

      status(api.post("/admin/v1/rechecks", OPERATOR, new JsonObject().put("domain", "example.com")), 200, null);
      status(api.post("/admin/v1/rechecks", VIEWER, new JsonObject().put("domain", "example.com")), 403, "forbidden");
      status(api.post("/admin/v1/sweeps", ALICE, "{}"), 202, null);
      status(api.get("/admin/v1/sweeps", OPERATOR + "x"), 401, "unauthorized");
      status(api.get("/admin/v1/domains/example.com", ALICE), 200, null);
      status(api.get("/admin/v1/emails/a@example.com", VIEWER), 200, null);
      status(api.post("/admin/v1/rechecks", OPERATOR, "{\"domain\": \"" + OPERATOR + "\"}"), 400, "bad_request");
      assertEquals(200, api.get("/metrics", null).statusCode());
      assertEquals(200, api.get("/openapi.yaml", null).statusCode());
      assertEquals(1, d.count("SELECT count(*) FROM domains WHERE last_success_at > (SELECT min(finished_at) FROM domain_checks)"),
          "the provider answered calls made with the key: the sweep's, then the recheck's");

      String answers = api.everythingSeen();
      String logged = capturedLogs();
      assertFalse(logged.isEmpty());
      for (String secret : List.of(OPERATOR, ALICE, VIEWER, fastlyKey)) {
        assertFalse(answers.contains(secret), "an answer contains a secret");
        assertFalse(logged.contains(secret), "a log line contains a secret");
      }
      assertFalse(d.query("SELECT params::text FROM admin_actions").iterator().next().getString(0).contains(OPERATOR));
    } finally {
      await(provider.close());
    }
  }

  @Test
  void insecureModeActsAsAnOperatorNamedInsecure() {
    TestDaemon d = TestDaemon.start(vertx, TestDatabase.emptySchema(), "", Map.of());
    daemons.add(d);
    AdminClient api = client(d);
    assertEquals(202, api.post("/admin/v1/sweeps", null, "{}").statusCode());
    assertEquals("insecure", d.query("SELECT token_name FROM admin_actions").iterator().next().getString(0));
    assertTrue(logs.events().stream().anyMatch(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("INSECURE")));
  }

  @Test
  void daemonRefusesToStartWithNoTokenUnlessInsecure() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> daemons.add(TestDaemon.start(vertx, TestDatabase.emptySchema(), "http:\n  host: 127.0.0.1\n", Map.of())));
    assertTrue(e.getMessage().startsWith("http.admin.token:"), e.getMessage());
    assertNotNull(e.getMessage());
  }
}
