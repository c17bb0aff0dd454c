package org.domainguard.http;

import static org.domainguard.http.AdminFixtures.OPERATOR;
import static org.domainguard.http.AdminFixtures.VIEWER;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.HashMap;
import java.util.Map;
import org.domainguard.db.DbTarget;
import org.domainguard.testing.TestDaemon;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The guard's queue and sweep revert over HTTP: roles, audit and validation. */
@ExtendWith(VertxExtension.class)
@Timeout(120)
class AdminHeldChangesTest {
  private TestDaemon d;
  private AdminClient api;
  private long sweep;

  @BeforeEach
  void start(Vertx vertx) {
    DbTarget target = TestDatabase.migratedSchema();
    for (int i = 0; i < 4; i++) {
      TestDatabase.jdbc(target, "INSERT INTO email_addresses(user_id, address, verified) VALUES ('u', 'a@gone" + i + ".com', true), ('u', 'b@gone" + i + ".com', true)");
    }
    Map<String, String> env = new HashMap<>(Map.of("DOMAINGUARD_ADMIN_TOKEN", OPERATOR));
    d = TestDaemon.start(vertx, target, AdminFixtures.tokensYaml() + "guard:\n  max-changes: 2\n  max-change-ratio: 1.0\n", env);
    for (int i = 0; i < 4; i++) {
      d.simulate("gone" + i + ".com", new JsonObject().put("status", "undelegated inactive"));
    }
    api = new AdminClient(vertx, d.daemon.httpPort());
    sweep = d.sweep("all");
  }

  @AfterEach
  void stop() {
    api.close();
    d.stop();
  }

  private long unverified() {
    return d.count("SELECT count(*) FROM email_addresses WHERE NOT verified");
  }

  @Test
  void operatorsListApproveAndRejectHeldChanges() {
    assertEquals(2, unverified(), "one domain's two addresses applied, the rest held");
    HttpResponse<?> list = api.get("/admin/v1/held-changes", VIEWER);
    assertEquals(200, list.statusCode());
    JsonArray held = list.bodyAsJsonObject().getJsonArray("heldChanges");
    assertEquals(3, held.size());
    String first = held.getJsonObject(0).getString("domain");
    assertEquals("domain_released", held.getJsonObject(0).getString("reason"));

    HttpResponse<?> approved = api.post("/admin/v1/held-changes/approve", OPERATOR, new JsonObject().put("domain", first));
    assertEquals(200, approved.statusCode(), approved.bodyAsString());
    assertEquals(2, approved.bodyAsJsonObject().getLong("changed"));
    assertEquals(4, unverified());
    assertEquals(2, d.count("SELECT count(*) FROM verification_events WHERE actor = 'operator:admin'"));

    HttpResponse<?> rejected = api.post("/admin/v1/held-changes/reject", OPERATOR, new JsonObject().put("all", true));
    assertEquals(2, rejected.bodyAsJsonObject().getLong("rejected"));
    assertEquals(4, unverified(), "rejecting changes nothing");
    assertEquals(0, api.get("/admin/v1/held-changes", VIEWER).bodyAsJsonObject().getJsonArray("heldChanges").size());
    assertEquals(2, d.count("SELECT count(*) FROM admin_actions WHERE action IN ('held_approve', 'held_reject') AND token_name = 'admin'"));
  }

  @Test
  void revertReverifiesTheSweepsChanges() {
    HttpResponse<?> reverted = api.post("/admin/v1/sweeps/" + sweep + "/revert", OPERATOR, (String) null);
    assertEquals(200, reverted.statusCode(), reverted.bodyAsString());
    assertEquals(2, reverted.bodyAsJsonObject().getLong("reverified"));
    assertEquals(0, unverified());
    assertEquals(1, d.count("SELECT count(*) FROM admin_actions WHERE action = 'sweep_revert'"));
  }

  @Test
  void revertOfASweepWithNothingLeftToRevertIs200AndOfAMissingOne404() {
    assertEquals(2, api.post("/admin/v1/sweeps/" + sweep + "/revert", OPERATOR, (String) null).bodyAsJsonObject().getLong("reverified"));
    HttpResponse<?> again = api.post("/admin/v1/sweeps/" + sweep + "/revert", OPERATOR, (String) null);
    assertEquals(200, again.statusCode(), again.bodyAsString());
    assertEquals(0, again.bodyAsJsonObject().getLong("reverified"));

    HttpResponse<?> missing = api.post("/admin/v1/sweeps/" + (sweep + 1000) + "/revert", OPERATOR, (String) null);
    assertEquals(404, missing.statusCode(), missing.bodyAsString());
    assertEquals("not_found", missing.bodyAsJsonObject().getString("error"));
    assertEquals(1, d.count("SELECT count(*) FROM admin_actions WHERE action = 'sweep_revert' AND status = 404 AND target = '" + (sweep + 1000) + "'"));
  }

  @Test
  void viewersCannotDecideOrRevert() {
    assertEquals(403, api.post("/admin/v1/held-changes/approve", VIEWER, new JsonObject().put("all", true)).statusCode());
    assertEquals(403, api.post("/admin/v1/held-changes/reject", VIEWER, new JsonObject().put("all", true)).statusCode());
    assertEquals(403, api.post("/admin/v1/sweeps/" + sweep + "/revert", VIEWER, (String) null).statusCode());
    assertEquals(401, api.post("/admin/v1/held-changes/approve", null, new JsonObject().put("all", true)).statusCode());
    assertEquals(2, unverified());
    assertEquals(3, d.count("SELECT count(*) FROM held_changes WHERE state = 'held'"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}", "{\"all\": false}", "{\"all\": \"yes\"}", "{\"domain\": \"gone1.com\", \"all\": true}", "{\"domain\": 7}",
      "{\"domain\": \"not a domain\"}", "{\"domains\": [\"gone1.com\"]}", "[]", "{"})
  void badSelectionsAreRejectedWithoutChangingAnything(String body) {
    HttpResponse<?> r = api.post("/admin/v1/held-changes/approve", OPERATOR, body);
    assertEquals(400, r.statusCode(), r.bodyAsString());
    assertEquals("bad_request", r.bodyAsJsonObject().getString("error"));
    assertEquals(2, unverified());
  }
}
