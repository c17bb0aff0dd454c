package org.domainguard.apply;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.domainguard.check.CheckResult;
import org.domainguard.check.Outcome;
import org.domainguard.check.Phase;
import org.domainguard.check.ProviderAnswer;
import org.domainguard.check.RegistryRecord;
import org.domainguard.config.AppConfig;
import org.domainguard.db.DbTarget;
import org.domainguard.discovery.DiscoveryService;
import org.domainguard.events.EventOutbox;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The events each decision writes, in the transaction of the change (SPEC §10). */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class OutboxWriteTest {
  private static final Instant EXPIRES = Instant.parse("2026-11-01T00:00:00Z");
  private static final Instant REGISTERED_LONG_AGO = Instant.parse("2010-05-01T00:00:00Z");

  private DbTarget target;
  private Pool pool;
  private Policy policy;
  private long domainId;

  @BeforeEach
  void setUp(Vertx vertx) {
    target = TestDatabase.migratedSchema();
    pool = TestDatabase.pool(vertx, target);
    policy = new Policy(new AppConfig.Schedule(Duration.ofDays(30), Duration.ofDays(1), Duration.ofDays(1), Duration.ofHours(1),
        Duration.ofDays(7), Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofMinutes(5)), new AppConfig.Policy(false));
    TestDatabase.jdbc(target, "INSERT INTO email_addresses(user_id, address, verified, verified_at) VALUES "
        + "('u1', 'a@lapse.com', true, now() - interval '2 days'), ('u2', 'b@lapse.com', true, now() - interval '1 day'),"
        + "('u3', 'c@lapse.com', false, NULL)");
    await(new DiscoveryService(vertx, pool, 100).discover());
    domainId = count("SELECT id FROM domains WHERE name = 'lapse.com'");
    TestDatabase.jdbc(target, "INSERT INTO webhook_endpoints (url_sha256, url) VALUES ('digest', 'http://127.0.0.1/hooks')");
  }

  private long count(String sql) {
    return await(pool.query(sql).execute()).iterator().next().getLong(0);
  }

  private List<JsonObject> events() {
    List<JsonObject> events = new ArrayList<>();
    for (Row r : await(pool.query("SELECT type, domain, data FROM events ORDER BY id").execute())) {
      events.add(new JsonObject().put("type", r.getString("type")).put("domain", r.getString("domain")).put("data", r.getJsonObject("data")));
    }
    return events;
  }

  private static CheckResult answer(Phase phase, Instant registeredAt, String... statuses) {
    Instant at = Instant.now();
    RegistryRecord registry = new RegistryRecord("rdap.test", 200, phase, registeredAt, EXPIRES, null, null, List.of());
    return new CheckResult("lapse.com", "rdap", at, at.plusMillis(5), ProviderAnswer.Statuses.of(List.of(statuses), registry), 1);
  }

  private DomainState state(Phase phase, Phase lapsePhase, Instant lapseSeenAt) {
    return new DomainState(domainId, "lapse.com", phase, lapsePhase, lapseSeenAt, 0, null);
  }

  /** Decides and writes one check in its own transaction, through a guard that allows everything unless told. */
  private ChangeWriter.Changes write(DomainState state, CheckResult result, AppConfig.Guard limits) {
    ChangeWriter writer = new ChangeWriter(new MassChangeGuard(pool, limits, Clock.systemUTC()));
    CheckRecord record = new CheckRecord(state, result, policy.decide(state, result), null);
    return await(pool.withTransaction(conn -> writer.write(conn, List.of(record))));
  }

  private ChangeWriter.Changes write(DomainState state, CheckResult result) {
    return write(state, result, new AppConfig.Guard(1000, 1.0));
  }

  @Test
  void anUnverificationWritesOneEventPerAddressAfterTheDomainsEventEachWithADelivery() {
    write(state(Phase.ACTIVE, null, null), answer(Phase.REDEMPTION, REGISTERED_LONG_AGO, "redemption period"));

    List<JsonObject> events = events();
    assertEquals(List.of("domain.lapsed", "address.unverified", "address.unverified"), events.stream().map(e -> e.getString("type")).toList());
    assertEquals(new JsonObject().put("domain", "lapse.com").put("phase", "REDEMPTION").put("statuses", "redemption period"),
        events.get(0).getJsonObject("data"));
    long checkId = count("SELECT id FROM domain_checks");
    for (int i = 1; i <= 2; i++) {
      JsonObject data = events.get(i).getJsonObject("data");
      assertEquals(Set.of("id", "address", "domain", "reason", "phase", "checkId", "sweepId"), data.fieldNames());
      assertEquals(i == 1 ? "a@lapse.com" : "b@lapse.com", data.getString("address"));
      assertEquals(count("SELECT id FROM email_addresses WHERE address = '" + data.getString("address") + "'"), data.getLong("id"));
      assertEquals("lapse.com", data.getString("domain"));
      assertEquals("domain_redemption", data.getString("reason"));
      assertEquals("REDEMPTION", data.getString("phase"));
      assertEquals(checkId, data.getLong("checkId"));
      assertTrue(data.containsKey("sweepId") && data.getValue("sweepId") == null, "sweepId null for a recheck");
    }
    assertEquals(3, count("SELECT count(*) FROM webhook_deliveries WHERE state = 'pending' AND domain = 'lapse.com'"), "one delivery each");
  }

  @Test
  void aBatchWhoseTransactionRollsBackLeavesNoEvent() {
    ChangeWriter writer = new ChangeWriter(new MassChangeGuard(pool, new AppConfig.Guard(1000, 1.0), Clock.systemUTC()));
    DomainState before = state(Phase.ACTIVE, null, null);
    CheckResult result = answer(Phase.REDEMPTION, REGISTERED_LONG_AGO, "redemption period");
    CheckRecord record = new CheckRecord(before, result, policy.decide(before, result), null);
    RuntimeException failure = new IllegalStateException("the batch's next statement failed");
    assertThrows(IllegalStateException.class, () -> await(pool.withTransaction(conn -> writer.write(conn, List.of(record))
        .compose(changes -> {
          assertEquals(2, changes.byDomain().get(domainId), "the batch did unverify inside its transaction");
          return Future.failedFuture(failure);
        }))));
    assertEquals(0, count("SELECT count(*) FROM events"));
    assertEquals(0, count("SELECT count(*) FROM webhook_deliveries"));
    assertEquals(2, count("SELECT count(*) FROM email_addresses WHERE verified"));
  }

  @Test
  void enteringGraceWarnsOnceWithTheVerifiedAddressesAndExpiry() {
    write(state(Phase.ACTIVE, null, null), answer(Phase.GRACE, REGISTERED_LONG_AGO, "auto renew period"));
    List<JsonObject> events = events();
    assertEquals(1, events.size(), "domain.lapsing only: GRACE unverifies nobody in standard mode");
    JsonObject data = events.get(0).getJsonObject("data");
    assertEquals("domain.lapsing", events.get(0).getString("type"));
    assertEquals("GRACE", data.getString("phase"));
    assertEquals("auto renew period", data.getString("statuses"));
    assertEquals(EXPIRES.toString(), data.getString("expiresAt"));
    assertEquals(List.of("a@lapse.com", "b@lapse.com"),
        data.getJsonArray("addresses").stream().map(a -> ((JsonObject) a).getString("address")).toList(), "the verified addresses only");
    assertEquals(Set.of("id", "address"), data.getJsonArray("addresses").getJsonObject(0).fieldNames());
    assertEquals(false, data.getBoolean("addressesTruncated"));

    // Still in grace at the next check, and after a failed check in between: no second warning.
    Instant seen = Instant.now().minusSeconds(60);
    write(state(Phase.GRACE, Phase.GRACE, seen), answer(Phase.GRACE, REGISTERED_LONG_AGO, "auto renew period"));
    Instant at = Instant.now();
    write(state(Phase.GRACE, Phase.GRACE, seen),
        new CheckResult("lapse.com", "rdap", at, at, new ProviderAnswer.Failure(Outcome.TIMEOUT, "timed out", null), 1));
    write(state(Phase.GRACE, Phase.GRACE, seen), answer(Phase.GRACE, REGISTERED_LONG_AGO, "auto renew period"));
    assertEquals(1, events().size());
  }

  @Test
  void theWarningListsAtMostAThousandAddressesAndSaysWhenThereAreMore() {
    TestDatabase.jdbc(target, "INSERT INTO email_addresses(user_id, address, verified) "
        + "SELECT 'u', 'x' || n || '@lapse.com', true FROM generate_series(1, 1000) AS n");
    TestDatabase.jdbc(target, "INSERT INTO watched_addresses (email_id, normalized, domain_id) "
        + "SELECT id, address, " + domainId + " FROM email_addresses WHERE address LIKE 'x%'");
    write(state(Phase.ACTIVE, null, null), answer(Phase.GRACE, REGISTERED_LONG_AGO, "auto renew period"));
    JsonObject data = events().get(0).getJsonObject("data");
    JsonArray listed = data.getJsonArray("addresses");
    assertEquals(EventOutbox.MAX_LISTED_ADDRESSES, listed.size());
    assertEquals("a@lapse.com", listed.getJsonObject(0).getString("address"), "lowest ids first");
    assertEquals(true, data.getBoolean("addressesTruncated"));
  }

  @Test
  void eachWorsePhaseOfALapseIsTellingButTheSamePhaseAgainIsNot() {
    Instant seen = Instant.now().minusSeconds(3600);
    write(state(Phase.GRACE, Phase.GRACE, seen), answer(Phase.REDEMPTION, REGISTERED_LONG_AGO, "redemption period"));
    write(state(Phase.REDEMPTION, Phase.REDEMPTION, seen), answer(Phase.REDEMPTION, REGISTERED_LONG_AGO, "redemption period"));
    write(state(Phase.REDEMPTION, Phase.REDEMPTION, seen), answer(Phase.PENDING_DELETE, REGISTERED_LONG_AGO, "pending delete"));
    List<String> lapsed = events().stream().filter(e -> e.getString("type").equals("domain.lapsed"))
        .map(e -> e.getJsonObject("data").getString("phase")).toList();
    assertEquals(List.of("REDEMPTION", "PENDING_DELETE"), lapsed);
  }

  @Test
  void aDomainFoundRegisteredAnewIsReregistered() {
    Instant seen = Instant.now().minus(Duration.ofDays(20));
    Instant registered = Instant.now().minus(Duration.ofDays(3));
    write(state(Phase.RELEASED, Phase.RELEASED, seen), answer(Phase.ACTIVE, registered, "active"));
    JsonObject event = events().stream().filter(e -> e.getString("type").equals("domain.reregistered")).findFirst().orElseThrow();
    assertEquals(new JsonObject().put("domain", "lapse.com").put("registeredAt", registered.toString()), event.getJsonObject("data"));
  }

  @Test
  void aHeldChangeIsTellingOnceWhenTheHoldOpens() {
    AppConfig.Guard holdEverything = new AppConfig.Guard(0, 0.0);
    write(state(Phase.ACTIVE, null, null), answer(Phase.REDEMPTION, REGISTERED_LONG_AGO, "redemption period"), holdEverything);
    Instant seen = Instant.now().minusSeconds(60);
    write(state(Phase.REDEMPTION, Phase.REDEMPTION, seen), answer(Phase.RELEASED, REGISTERED_LONG_AGO), holdEverything);
    List<JsonObject> held = events().stream().filter(e -> e.getString("type").equals("change.held")).toList();
    assertEquals(1, held.size(), "newer evidence replacing an open hold does not tell again: " + events());
    assertEquals(new JsonObject().put("domain", "lapse.com").put("phase", "REDEMPTION").put("addresses", 2), held.get(0).getJsonObject("data"));
    assertEquals(0, count("SELECT count(*) FROM events WHERE type = 'address.unverified'"), "nobody unverified while held");
  }

  @Test
  void aCheckThatChangesNothingWritesNoEvent() {
    write(state(Phase.ACTIVE, null, null), answer(Phase.ACTIVE, REGISTERED_LONG_AGO, "active"));
    Instant at = Instant.now();
    write(state(Phase.ACTIVE, null, null), new CheckResult("lapse.com", "rdap", at, at, new ProviderAnswer.Failure(Outcome.ERROR, "HTTP 500", null), 1));
    assertEquals(0, count("SELECT count(*) FROM events"));
  }
}
