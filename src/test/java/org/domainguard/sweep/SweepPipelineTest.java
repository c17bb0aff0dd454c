package org.domainguard.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import java.util.Map;
import org.domainguard.testing.TestDaemon;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The whole pipeline against a real PostgreSQL and the simulator on 127.0.0.1. */
@ExtendWith(VertxExtension.class)
@Timeout(120)
class SweepPipelineTest {
  private TestDaemon d;

  @BeforeEach
  void start(Vertx vertx) {
    d = TestDaemon.start(vertx, TestDatabase.emptySchema(), "", Map.of());
  }

  @AfterEach
  void stop() {
    d.stop();
  }

  private boolean verified(String address) {
    return d.query("SELECT verified FROM email_addresses WHERE address = '" + address + "'").iterator().next().getBoolean(0);
  }

  private String phase(String domain) {
    return d.query("SELECT phase FROM domains WHERE name = '" + domain + "'").iterator().next().getString(0);
  }

  @Test
  void oneProviderCallPerRegistrableDomainHoweverManyAddressesShareIt() {
    for (int i = 0; i < 20; i++) {
      d.insertVerified("user" + i + "@example.com", "user" + i + "@mail.example.co.uk", "user" + i + "@sub" + i + ".example.org");
    }
    d.insertVerified("a@gmail.com", "b@GMAIL.com");
    d.sweep("all");
    JsonObject stats = d.simulatorStats();
    assertEquals(4, stats.getLong("requests"));
    stats.getJsonObject("byDomain").forEach(e -> assertEquals(1, ((Number) e.getValue()).intValue(), e.getKey()));
    Row sweep = d.query("SELECT state, total, done, failed FROM sweeps").iterator().next();
    assertEquals("completed", sweep.getString("state"));
    assertEquals(4, sweep.getInteger("total"));
    assertEquals(4, sweep.getInteger("done"));
  }

  @Test
  void lapsedDomainsUnverifyEveryAddressWithAnAuditRow() {
    d.simulate("lapsed.com", new JsonObject().put("status", "active expiring"));
    d.simulate("gone.net", new JsonObject().put("status", "undelegated inactive"));
    d.simulate("fine.org", new JsonObject().put("status", "active"));
    d.insertVerified("a@lapsed.com", "b@mail.lapsed.com", "c@gone.net", "d@fine.org");
    long sweep = d.sweep("all");

    assertFalse(verified("a@lapsed.com"));
    assertFalse(verified("b@mail.lapsed.com"));
    assertFalse(verified("c@gone.net"));
    assertTrue(verified("d@fine.org"));
    assertEquals("REDEMPTION", phase("lapsed.com"));
    assertEquals("RELEASED", phase("gone.net"));
    assertEquals("domain_redemption", d.query("SELECT unverify_reason FROM email_addresses WHERE address = 'a@lapsed.com'").iterator().next().getString(0));
    assertEquals(3, d.count("SELECT count(*) FROM verification_events WHERE sweep_id = " + sweep + " AND check_id IS NOT NULL AND NOT new_verified"));
    assertEquals(3, d.count("SELECT changed FROM sweeps WHERE id = " + sweep));
    assertEquals(1, d.count("SELECT count(*) FROM verification_events WHERE reason = 'domain_released' AND phase = 'RELEASED'"));
  }

  @ParameterizedTest(name = "a check failing with {0} changes no address and is retried later")
  @ValueSource(strings = {"error", "malformed", "errors_body", "timeout"})
  void failedChecksNeverUnverify(String fault) {
    d.simulate("flaky.com", new JsonObject().put("status", "undelegated inactive").put("fail", fault).put("times", 1000));
    d.insertVerified("a@flaky.com");
    d.sweep("all");

    assertTrue(verified("a@flaky.com"));
    Row domain = d.query("SELECT phase, failure_count, next_check_at > now() + interval '50 minutes' AS backed_off, last_error FROM domains").iterator().next();
    assertEquals(null, domain.getString("phase"), "a failure is not a phase");
    assertEquals(1, domain.getInteger("failure_count"));
    assertTrue(domain.getBoolean("backed_off"), "retried after schedule.retry");
    assertEquals(3, d.count("SELECT attempts FROM domain_checks"), "retried within the sweep first");
    assertEquals(0, d.count("SELECT count(*) FROM verification_events"));
    assertEquals(1, d.count("SELECT failed FROM sweeps"));
  }

  @Test
  void rateLimitedAnswersPauseAndTheDomainIsRetriedInTheSameSweep() {
    d.simulate("busy.com", new JsonObject().put("status", "deleting").put("fail", "rate_limited").put("times", 2));
    d.insertVerified("a@busy.com");
    long started = System.nanoTime();
    d.sweep("all");
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;

    assertFalse(verified("a@busy.com"), "checked within the sweep once the provider answered");
    assertEquals("PENDING_DELETE", phase("busy.com"));
    assertEquals(3, d.simulatorStats().getLong("requests"));
    assertTrue(elapsedMs >= 2_000, "honoured Retry-After: 1 s twice, took " + elapsedMs + " ms");
  }

  @Test
  void reregisteredDomainUnverifiesOnlyAddressesVerifiedBeforeTheLapse() {
    d.simulate("moved.com", new JsonObject().put("status", "active expiring"));
    d.insertVerified("old@moved.com");
    d.sweep("all");
    assertFalse(verified("old@moved.com"));

    // After the lapse was seen: the new registrant's address, and an address whose verification predates the lapse.
    d.insertVerified("new@moved.com");
    org.domainguard.testing.TestDatabase.jdbc(d.target,
        "INSERT INTO email_addresses(user_id, address, verified, verified_at) VALUES ('u', 'stale@moved.com', true, '2020-01-01')");
    d.simulate("moved.com", new JsonObject().put("status", "active"));
    d.sweep("all");

    assertEquals("REREGISTERED", phase("moved.com"));
    assertTrue(verified("new@moved.com"), "verified after the lapse was seen: the new owner");
    assertFalse(verified("stale@moved.com"));
    assertEquals(1, d.count("SELECT count(*) FROM verification_events WHERE reason = 'domain_reregistered'"));
    assertEquals(1, d.count("SELECT count(*) FROM verification_events WHERE address = 'old@moved.com'"), "never unverified twice");
  }

  @Test
  void reverifiedAddressIsCheckedAfreshBeforeAnyFurtherAction() {
    d.simulate("back.com", new JsonObject().put("status", "active expiring"));
    d.insertVerified("a@back.com");
    d.sweep("all");
    assertFalse(verified("a@back.com"));
    // The domain is not due for a day; the owner renews and the host re-verifies the address.
    d.simulate("back.com", new JsonObject().put("status", "active"));
    org.domainguard.testing.TestDatabase.jdbc(d.target, "UPDATE email_addresses SET verified = true, unverify_reason = NULL");
    d.sweep("due");

    assertTrue(verified("a@back.com"), "the stale REDEMPTION phase did not act on the re-verified address");
    assertEquals(2, d.simulatorStats().getJsonObject("byDomain").getInteger("back.com"), "checked afresh");
    assertEquals("REREGISTERED", phase("back.com"));
    assertEquals(1, d.count("SELECT count(*) FROM verification_events"));
  }

  @Test
  void aStatusWithANulByteIsMalformedAndDoesNotFailTheBatch() {
    d.simulate("weird.com", new JsonObject().put("status", "undelegated inactive\u0000x"));
    d.insertVerified("a@weird.com", "b@fine.net");
    d.sweep("all");
    assertTrue(verified("a@weird.com"));
    assertEquals("malformed", d.query("SELECT c.outcome FROM domain_checks c JOIN domains d ON d.id = c.domain_id WHERE d.name = 'weird.com' LIMIT 1")
        .iterator().next().getString(0));
    assertEquals("completed", d.query("SELECT state FROM sweeps").iterator().next().getString(0));
    assertEquals(2, d.count("SELECT count(*) FROM domains WHERE last_checked_at IS NOT NULL"));
  }

  @Test
  void nothingDueMeansNothingChecked() {
    d.insertVerified("a@example.com");
    d.sweep("due");
    d.sweep("due");
    assertEquals(1, d.simulatorStats().getLong("requests"), "the second sweep found nothing due (30 days)");
  }
}
