package org.domainguard.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.domainguard.apply.HeldChanges;
import org.domainguard.apply.SweepRevert;
import org.domainguard.metrics.Metrics;
import org.domainguard.testing.Await;
import org.domainguard.testing.TestDaemon;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The mass-change guard, held changes and sweep revert against a real database and simulator. */
@ExtendWith(VertxExtension.class)
@Timeout(120)
class MassChangeGuardTest {
  private TestDaemon d;

  @BeforeEach
  void start(Vertx vertx) {
    d = TestDaemon.start(vertx, TestDatabase.emptySchema(), "guard:\n  max-changes: 5\n  max-change-ratio: 0.5\n", Map.of());
  }

  @AfterEach
  void stop() {
    d.stop();
  }

  private void lapse(String domain, int addresses) {
    d.simulate(domain, new JsonObject().put("status", "undelegated inactive"));
    for (int i = 0; i < addresses; i++) {
      d.insertVerified("u" + i + "@" + domain);
    }
  }

  @Test
  void aProviderCallingEverythingReleasedCannotUnverifyEveryone() {
    for (int i = 0; i < 10; i++) {
      lapse("victim" + i + ".com", 2);
    }
    d.sweep("all");

    // guard.max-changes 5: two domains of two addresses fit, a third would make six. The ratio
    // (0.5 of the sweep's 10 domains) would allow five domains, so the address limit is the one that holds.
    assertEquals(4, d.count("SELECT count(*) FROM email_addresses WHERE NOT verified"));
    assertEquals(2, d.count("SELECT count(DISTINCT split_part(address, '@', 2)) FROM email_addresses WHERE NOT verified"),
        "whole domains are applied or held, never part of one");
    assertEquals(4, d.count("SELECT count(*) FROM verification_events"));
    assertEquals(8, d.count("SELECT count(*) FROM held_changes WHERE state = 'held'"), "every domain past the limit is held");
    assertEquals(16, d.count("SELECT sum(addresses) FROM held_changes"));
    assertEquals(8, d.count("SELECT count(*) FROM held_changes WHERE check_id IS NOT NULL AND statuses = 'undelegated inactive'"),
        "each held change keeps its evidence");
  }

  @Test
  void approvingAppliesHeldChangesWithAuditRowsAndRejectingChangesNothing() {
    for (int i = 0; i < 6; i++) {
      lapse("held" + i + ".net", 2);
    }
    d.sweep("all");
    long before = d.count("SELECT count(*) FROM email_addresses WHERE NOT verified");
    HeldChanges held = new HeldChanges(d.pool, new Metrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
    String first = d.query("SELECT d.name FROM held_changes h JOIN domains d ON d.id = h.domain_id ORDER BY h.id LIMIT 1").iterator().next().getString(0);

    JsonObject approved = Await.await(held.approve(first, "operator:alice"));
    assertEquals(1, approved.getLong("approved"));
    assertEquals(2, approved.getLong("changed"));
    assertEquals(before + 2, d.count("SELECT count(*) FROM email_addresses WHERE NOT verified"));
    assertEquals(2, d.count("SELECT count(*) FROM verification_events WHERE actor = 'operator:alice'"));

    long open = d.count("SELECT count(*) FROM held_changes WHERE state = 'held'");
    JsonObject rejected = Await.await(held.reject(null, "operator:alice"));
    assertEquals(open, rejected.getLong("rejected"));
    assertEquals(before + 2, d.count("SELECT count(*) FROM email_addresses WHERE NOT verified"), "rejecting changes no address");
    assertEquals(0, Await.await(held.refreshGauge()));
    assertEquals(open, d.count("SELECT count(*) FROM domains WHERE lapse_seen_at IS NULL AND phase IS NULL AND next_check_at <= now()"),
        "a rejected lapse is forgotten and the domain checked afresh");
  }

  @Test
  void aRejectedFalseLapseNeverComesBackAsAReregistration() {
    for (int i = 0; i < 4; i++) {
      lapse("false" + i + ".org", 2);
    }
    d.sweep("all");
    long unverified = d.count("SELECT count(*) FROM email_addresses WHERE NOT verified");
    Await.await(new HeldChanges(d.pool, new Metrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry())).reject(null, "operator:alice"));
    for (int i = 0; i < 4; i++) {
      d.simulate("false" + i + ".org", new JsonObject().put("status", "active"));
    }
    d.sweep("due");
    assertEquals(unverified, d.count("SELECT count(*) FROM email_addresses WHERE NOT verified"));
    assertEquals(0, d.count("SELECT count(*) FROM domains WHERE phase = 'REREGISTERED'"));
    assertEquals(0, d.count("SELECT count(*) FROM held_changes WHERE state = 'held'"));
  }

  @Test
  void revertReverifiesWhatASweepUnverifiedUnlessChangedSince() {
    lapse("oops.org", 3);
    long sweep = d.sweep("all");
    assertEquals(3, d.count("SELECT count(*) FROM email_addresses WHERE NOT verified"));
    // The host deals with one address itself meanwhile: it is no longer the sweep's to revert.
    TestDatabase.jdbc(d.target, "UPDATE email_addresses SET unverify_reason = 'bounced' WHERE address = 'u0@oops.org'");

    long reverted = Await.await(new SweepRevert(d.pool).revert(sweep, "operator:bob"));
    assertEquals(2, reverted);
    assertEquals(2, d.count("SELECT count(*) FROM email_addresses e JOIN verification_events v ON v.email_id = e.id AND NOT v.new_verified "
        + "WHERE e.verified AND e.verified_at = v.old_verified_at"), "the earlier verification time is restored");
    assertEquals(1, d.count("SELECT count(*) FROM domains WHERE lapse_seen_at IS NULL AND next_check_at <= now()"),
        "the lapse first seen in the reverted sweep is forgotten and the domain checked afresh");
    assertFalse(d.query("SELECT verified FROM email_addresses WHERE address = 'u0@oops.org'").iterator().next().getBoolean(0));
    assertEquals(2, d.count("SELECT count(*) FROM verification_events WHERE new_verified AND actor = 'operator:bob' AND reason = 'revert_of_domain_released'"));
    assertEquals(0, Await.await(new SweepRevert(d.pool).revert(sweep, "operator:bob")), "reverting twice changes nothing");
  }
}
