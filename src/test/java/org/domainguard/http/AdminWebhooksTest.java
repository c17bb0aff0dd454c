package org.domainguard.http;

import static org.domainguard.http.AdminFixtures.OPERATOR;
import static org.domainguard.http.AdminFixtures.VIEWER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.domainguard.db.DbTarget;
import org.domainguard.testing.Await;
import org.domainguard.testing.TestDaemon;
import org.domainguard.testing.TestDatabase;
import org.domainguard.testing.WebhookReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A whole daemon with one webhook (DOMAINGUARD_WEBHOOK_URL): what a sweep, an approval and a revert tell it, and the deliveries API. */
@ExtendWith(VertxExtension.class)
@Timeout(120)
class AdminWebhooksTest {
  private static final String SECRET = "a shared secret of the host";

  private TestDaemon d;
  private AdminClient api;
  private WebhookReceiver receiver;
  private long sweep;

  @BeforeEach
  void start(Vertx vertx) {
    receiver = WebhookReceiver.start(vertx, SECRET);
    DbTarget target = TestDatabase.migratedSchema();
    for (int i = 0; i < 3; i++) {
      TestDatabase.jdbc(target, "INSERT INTO email_addresses(user_id, address, verified) VALUES ('u', 'a@gone" + i + ".com', true), ('u', 'b@gone" + i + ".com', true)");
    }
    Map<String, String> env = new HashMap<>(Map.of("DOMAINGUARD_ADMIN_TOKEN", OPERATOR,
        "DOMAINGUARD_WEBHOOK_URL", receiver.url(), "DOMAINGUARD_WEBHOOK_SECRET", SECRET));
    d = TestDaemon.start(vertx, target, AdminFixtures.tokensYaml() + "guard:\n  max-changes: 2\n  max-change-ratio: 1.0\n", env);
    for (int i = 0; i < 3; i++) {
      d.simulate("gone" + i + ".com", new JsonObject().put("status", "undelegated inactive"));
    }
    api = new AdminClient(vertx, d.daemon.httpPort());
    sweep = d.sweep("all");
  }

  @AfterEach
  void stop() {
    api.close();
    d.stop();
    Await.await(receiver.close());
  }

  private void awaitAllDelivered() {
    Await.until("every event delivered", () -> d.count("SELECT count(*) FROM webhook_deliveries WHERE state <> 'delivered'") == 0
        && d.count("SELECT count(*) FROM webhook_deliveries") == d.count("SELECT count(*) FROM events"));
  }

  private List<String> typesReceived() {
    return receiver.delivered().stream().map(WebhookReceiver.Received::type).sorted().toList();
  }

  @Test
  void everyDecisionReachesTheWebhookSignedSweepApprovalAndRevertAlike() {
    awaitAllDelivered();
    assertEquals(List.of("address.unverified", "address.unverified", "change.held", "change.held",
        "domain.lapsed", "domain.lapsed", "domain.lapsed"), typesReceived(), "one domain applied, two held");
    assertTrue(receiver.received().stream().allMatch(WebhookReceiver.Received::signatureValid));
    JsonObject unverified = receiver.delivered().stream().filter(r -> r.type().equals("address.unverified")).findFirst().orElseThrow().data();
    assertEquals(sweep, unverified.getLong("sweepId"));
    assertEquals("domain_released", unverified.getString("reason"));

    assertEquals(200, api.post("/admin/v1/held-changes/approve", OPERATOR, new JsonObject().put("all", true)).statusCode());
    HttpResponse<?> reverted = api.post("/admin/v1/sweeps/" + sweep + "/revert", OPERATOR, (String) null);
    assertEquals(6, reverted.bodyAsJsonObject().getLong("reverified"), "the sweep's own and its approved holds' unverifications");
    awaitAllDelivered();
    assertEquals(6, receiver.delivered().stream().filter(r -> r.type().equals("address.unverified")).count(), "approved holds unverify with events");
    List<JsonObject> reverified = receiver.delivered().stream().filter(r -> r.type().equals("address.reverified")).map(WebhookReceiver.Received::data).toList();
    assertEquals(6, reverified.size());
    assertEquals(sweep, reverified.get(0).getLong("revertOf"));
    assertTrue(reverified.get(0).getString("address").startsWith("a@gone") || reverified.get(0).getString("address").startsWith("b@gone"));
  }

  @Test
  void operatorsListDeliveriesByStateAPageAtATimeAndRedeliverOne() {
    awaitAllDelivered();
    HttpResponse<?> page = api.get("/admin/v1/webhooks/deliveries?state=delivered&limit=4", VIEWER);
    assertEquals(200, page.statusCode(), page.bodyAsString());
    JsonArray first = page.bodyAsJsonObject().getJsonArray("deliveries");
    assertEquals(4, first.size());
    long next = page.bodyAsJsonObject().getLong("next");
    JsonArray rest = api.get("/admin/v1/webhooks/deliveries?state=delivered&limit=4&after=" + next, VIEWER).bodyAsJsonObject().getJsonArray("deliveries");
    assertEquals(3, rest.size());
    JsonObject one = first.getJsonObject(0);
    assertEquals("http://127.0.0.1:" + receiver.port() + "/…", one.getString("endpoint"), "the URL's origin only: its path may be a token");
    assertTrue(one.getString("webhookId").startsWith("evt_"));
    assertEquals(0, api.get("/admin/v1/webhooks/deliveries?state=failed", VIEWER).bodyAsJsonObject().getJsonArray("deliveries").size());

    assertEquals(403, api.post("/admin/v1/webhooks/deliveries/" + one.getLong("id") + "/redeliver", VIEWER, (String) null).statusCode());
    HttpResponse<?> redelivered = api.post("/admin/v1/webhooks/deliveries/" + one.getLong("id") + "/redeliver", OPERATOR, (String) null);
    assertEquals(200, redelivered.statusCode(), redelivered.bodyAsString());
    Await.until("redelivered", () -> receiver.delivered().stream().filter(r -> r.webhookId().equals(one.getString("webhookId"))).count() == 2);
    assertEquals(1, d.count("SELECT count(*) FROM admin_actions WHERE action = 'webhook_redeliver' AND status = 200 AND target = '" + one.getLong("id") + "'"));
    assertEquals(1, d.count("SELECT count(*) FROM admin_actions WHERE action = 'webhook_redeliver' AND status = 403"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "?state=failing", "?state=pending&state=dead", "?state=dead&after=-1", "?state=dead&after=abc", "?state=dead&limit=0",
      "?state=dead&limit=5000"})
  void aBadListingIs400NamingTheProblem(String query) {
    HttpResponse<?> r = api.get("/admin/v1/webhooks/deliveries" + query, VIEWER);
    assertEquals(400, r.statusCode(), r.bodyAsString());
    assertEquals("bad_request", r.bodyAsJsonObject().getString("error"), r.bodyAsString());
    assertTrue(r.bodyAsJsonObject().getString("message").matches("(state|after|limit) .*"), r.bodyAsString());
  }

  @Test
  void aRedeliveryOfNothingIs404AndOfABadIdIs400() {
    HttpResponse<?> missing = api.post("/admin/v1/webhooks/deliveries/987654/redeliver", OPERATOR, (String) null);
    assertEquals(404, missing.statusCode(), missing.bodyAsString());
    HttpResponse<?> bad = api.post("/admin/v1/webhooks/deliveries/abc/redeliver", OPERATOR, (String) null);
    assertEquals(400, bad.statusCode(), bad.bodyAsString());
    assertEquals(1, d.count("SELECT count(*) FROM admin_actions WHERE action = 'webhook_redeliver' AND status = 400"));
  }
}
