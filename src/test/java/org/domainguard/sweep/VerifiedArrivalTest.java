package org.domainguard.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import org.domainguard.testing.MovableClock;
import org.domainguard.testing.TestDaemon;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An address that arrives verified is a verification (SPEC §5): added on a domain already known to
 * be lapsed, it is acted on within one discovery interval, not at the domain's next scheduled check.
 */
@ExtendWith(VertxExtension.class)
@Timeout(120)
class VerifiedArrivalTest {
  private static final Duration DISCOVERY_INTERVAL = Duration.ofMinutes(1);

  private final MovableClock clock = new MovableClock(Instant.now());
  private TestDaemon d;

  @AfterEach
  void stop() {
    d.stop();
  }

  @Test
  void verifiedAddressInsertedOnALapsedDomainIsActedOnWithinOneDiscoveryInterval(Vertx vertx) {
    d = TestDaemon.start(vertx, TestDatabase.emptySchema(), "schedule:\n  discovery-interval: 1m\n", Map.of(), clock);
    d.simulate("lapsed.com", new JsonObject().put("status", "active expiring"));
    d.insertVerified("old@lapsed.com");
    aheadOfTheDatabase();
    d.sweep("all");
    assertFalse(verified("old@lapsed.com"));
    OffsetDateTime nextCheck = d.query("SELECT next_check_at FROM domains WHERE name = 'lapsed.com'").iterator().next().getOffsetDateTime(0);
    assertTrue(nextCheck.toInstant().isAfter(clock.instant().plus(Duration.ofHours(12))), "the lapsed domain is next due in a day");

    d.insertVerified("new@lapsed.com");
    clock.advance(DISCOVERY_INTERVAL);
    d.sweep("due");

    assertFalse(verified("new@lapsed.com"), "acted on at once, not at the next scheduled check");
    assertEquals("domain_redemption", d.query("SELECT unverify_reason FROM email_addresses WHERE address = 'new@lapsed.com'")
        .iterator().next().getString(0));
    assertEquals(2, d.simulatorStats().getJsonObject("byDomain").getInteger("lapsed.com"), "checked afresh for the new address");
  }

  @Test
  void anUnverifiedArrivalIsNoVerification(Vertx vertx) {
    d = TestDaemon.start(vertx, TestDatabase.emptySchema(), "", Map.of(), clock);
    d.simulate("lapsed.com", new JsonObject().put("status", "active expiring"));
    d.insertVerified("old@lapsed.com");
    aheadOfTheDatabase();
    d.sweep("all");

    TestDatabase.jdbc(d.target, "INSERT INTO email_addresses(user_id, address, verified) VALUES ('u', 'pending@lapsed.com', false)");
    clock.advance(DISCOVERY_INTERVAL);
    d.sweep("due");

    assertEquals(1, d.simulatorStats().getJsonObject("byDomain").getInteger("lapsed.com"), "nothing to check afresh");
  }

  /**
   * Moves the clock a second past the database's, which stamps verification times and recheck
   * requests: what was inserted and discovered so far predates the next check, as on a real clock.
   */
  private void aheadOfTheDatabase() {
    clock.advance(Duration.between(clock.instant(), Instant.now()).plusSeconds(1));
  }

  private boolean verified(String address) {
    return d.query("SELECT verified FROM email_addresses WHERE address = '" + address + "'").iterator().next().getBoolean(0);
  }
}
