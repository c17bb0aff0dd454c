package org.domainguard.http;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.domainguard.discovery.PublicSuffixList;
import org.domainguard.apply.ChangeWriter;
import org.domainguard.apply.CheckRecord;
import org.domainguard.apply.DomainState;
import org.domainguard.apply.MassChangeGuard;
import org.domainguard.apply.Policy;
import org.domainguard.check.CheckResult;
import org.domainguard.check.Phase;
import org.domainguard.check.ProviderAnswer;
import org.domainguard.check.RegistryRecord;
import org.domainguard.config.AppConfig;
import org.domainguard.db.DbTarget;
import org.domainguard.discovery.DiscoveryService;
import org.domainguard.testing.MovableClock;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** GET /admin/v1/domains/{name} shows the registry's evidence: the latest, and each history entry's own. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class DomainEvidenceTest {
  private static final AppConfig.Schedule SCHEDULE = new AppConfig.Schedule(Duration.ofDays(30), Duration.ofDays(1),
      Duration.ofDays(1), Duration.ofHours(1), Duration.ofDays(7), Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofMinutes(5));
  private final MovableClock clock = new MovableClock(Instant.parse("2026-03-01T10:00:00Z"));

  @Test
  void domainViewShowsTheLatestEvidenceAndEachChecksOwn(Vertx vertx) {
    DbTarget target = TestDatabase.migratedSchema();
    Pool pool = TestDatabase.pool(vertx, target);
    TestDatabase.jdbc(target, "INSERT INTO email_addresses(user_id, address, verified) VALUES ('u', 'a@evidence.com', true)");
    await(new DiscoveryService(vertx, pool, 100).discover());
    long id = await(pool.query("SELECT id FROM domains").execute()).iterator().next().getLong(0);
    ChangeWriter writer = new ChangeWriter(new MassChangeGuard(pool, new AppConfig.Guard(1000, 1.0), clock));
    Policy policy = new Policy(SCHEDULE, new AppConfig.Policy(false));
    DomainState state = new DomainState(id, "evidence.com", null, null, null, 0, null);

    RegistryRecord record = new RegistryRecord("rdap.evidence.test", 200, Phase.ACTIVE, Instant.parse("2012-04-05T06:07:08Z"),
        Instant.parse("2027-04-05T06:07:08Z"), Instant.parse("2020-01-02T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"), List.of("Terms of Use"));
    CheckResult rdap = new CheckResult("evidence.com", "rdap", clock.instant(), clock.instant().plusMillis(30),
        ProviderAnswer.Statuses.of(List.of("client delete prohibited"), record), 1);
    write(pool, writer, new CheckRecord(state, rdap, policy.decide(state, rdap), null));
    clock.advance(Duration.ofHours(1));
    CheckResult failed = new CheckResult("evidence.com", "rdap", clock.instant(), clock.instant().plusMillis(30),
        new ProviderAnswer.Failure(org.domainguard.check.Outcome.TIMEOUT, "timeout", null), 3);
    write(pool, writer, new CheckRecord(state, failed, policy.decide(state, failed), null));

    JsonObject view = await(new Lookups(pool, new Names(PublicSuffixList::bundled)).domain("evidence.com"));

    JsonObject latest = view.getJsonObject("evidence");
    assertEquals("rdap.evidence.test", latest.getString("server"), "the latest successful check speaks, not the failure after it");
    assertEquals(200, latest.getInteger("httpStatus"));
    assertEquals("2012-04-05T06:07:08Z", latest.getString("registeredAt"));
    assertEquals("2027-04-05T06:07:08Z", latest.getString("expiresAt"));
    assertEquals("2020-01-02T00:00:00Z", latest.getString("transferredAt"));
    assertEquals("2026-02-01T00:00:00Z", latest.getString("lastChangedAt"));
    assertEquals(new JsonArray().add("Terms of Use"), latest.getJsonArray("notices"));
    JsonArray history = view.getJsonArray("history");
    assertEquals(2, history.size());
    assertNull(history.getJsonObject(0).getJsonObject("evidence"), "a failed check keeps no evidence");
    assertEquals(latest, history.getJsonObject(1).getJsonObject("evidence"));
  }

  private static void write(Pool pool, ChangeWriter writer, CheckRecord record) {
    await(pool.withTransaction(conn -> writer.write(conn, List.of(record))));
  }
}
