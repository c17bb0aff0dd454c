package org.domainguard.sweep;

import static org.domainguard.testing.Await.await;
import static org.domainguard.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.Clock;
import org.domainguard.apply.ChangeWriter;
import org.domainguard.apply.CheckRecord;
import org.domainguard.apply.Decision;
import org.domainguard.apply.DomainState;
import org.domainguard.apply.MassChangeGuard;
import org.domainguard.check.CheckResult;
import org.domainguard.check.Phase;
import org.domainguard.check.ProviderAnswer;
import org.domainguard.config.AppConfig;
import org.domainguard.db.DbTarget;
import org.domainguard.discovery.DiscoveryService;
import org.domainguard.metrics.Metrics;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(60)
class ResultWriterTest {
  private DbTarget target;
  private Pool pool;
  private ResultWriter writer;
  private DomainState state;
  private SimpleMeterRegistry registry;
  private static final String OWNER = "this-daemon";

  @BeforeEach
  void setUp(Vertx vertx) {
    target = TestDatabase.migratedSchema();
    pool = TestDatabase.pool(vertx, target);
    registry = new SimpleMeterRegistry();
    writer = new ResultWriter(vertx, pool, new DueSource(pool, OWNER, Duration.ofMinutes(5), Clock.systemUTC()),
        new ChangeWriter(new MassChangeGuard(pool, new AppConfig.Guard(1000, 1.0), Clock.systemUTC())),
        new AppConfig.Writer(100, Duration.ofMillis(5)), new Metrics(registry));
    TestDatabase.jdbc(target, "INSERT INTO email_addresses(user_id, address, verified, verified_at) VALUES "
        + "('u1', 'a@lapsed.com', true, now() - interval '2 days'), ('u2', 'b@lapsed.com', true, now() - interval '1 day')");
    await(new DiscoveryService(vertx, pool, 100).discover());
    state = new DomainState(count("SELECT id FROM domains"), "lapsed.com", Phase.ACTIVE, null, null, 0, null);
    lease(OWNER);
  }

  /** Leases the domain as a sweep's claim does. */
  private void lease(String owner) {
    TestDatabase.jdbc(target, "UPDATE domains SET lease_owner = '" + owner + "', lease_expires_at = now() + interval '5 minutes'");
  }

  private long count(String sql) {
    return await(pool.query(sql).execute()).iterator().next().getLong(0);
  }

  private CheckRecord redemption(Instant startedAt) {
    CheckResult result = new CheckResult("lapsed.com", "simulator", startedAt, startedAt.plusMillis(5), ProviderAnswer.Statuses.parse("active expiring"), 1);
    Decision decision = new Decision(Phase.REDEMPTION, Phase.REDEMPTION, startedAt, 0, startedAt.plus(Duration.ofDays(1)), new Decision.Unverify("domain_redemption", startedAt));
    return new CheckRecord(state, result, decision, null);
  }

  /** An "active" check of lapsed.com, decided from {@code from}, at {@code at}. */
  private CheckRecord active(DomainState from, Instant at, String statuses) {
    CheckResult result = new CheckResult("lapsed.com", "simulator", at, at.plusMillis(5), ProviderAnswer.Statuses.parse(statuses), 1);
    return new CheckRecord(from, result, new Decision(Phase.ACTIVE, null, null, 0, at.plus(Duration.ofDays(30)), null), null);
  }

  /** The domain's state as the next claim reads it. */
  private DomainState stored() {
    var row = await(pool.query("SELECT phase, failure_count, last_seen FROM domains").execute()).iterator().next();
    return new DomainState(state.id(), "lapsed.com", Phase.parse(row.getString(0)), null, null, row.getInteger(1), row.getLong(2));
  }

  @Test
  void aCheckThatSawWhatTheOneBeforeSawOnlyMovesTheLastCheckTime() {
    Instant first = Instant.now().minus(Duration.ofHours(2));
    await(writer.submit(active(state, first, "active")));
    lease(OWNER);
    Instant second = first.plus(Duration.ofHours(1));
    await(writer.submit(active(stored(), second, "active")));
    assertEquals(1, count("SELECT count(*) FROM domain_checks"), "nothing new to tell: no second history row");
    assertEquals(second.plusMillis(5).toEpochMilli(),
        await(pool.query("SELECT last_checked_at FROM domains").execute()).iterator().next().getOffsetDateTime(0).toInstant().toEpochMilli(),
        "the domain's row keeps the latest check's time");
    lease(OWNER);
    await(writer.submit(active(stored(), second.plusSeconds(60), "active clientTransferProhibited")));
    assertEquals(2, count("SELECT count(*) FROM domain_checks"), "different statuses are written");
  }

  @Test
  void failedChecksAndTheCheckAfterThemAreAlwaysWritten() {
    Instant at = Instant.now().minus(Duration.ofHours(2));
    await(writer.submit(active(state, at, "active")));
    for (int i = 1; i <= 2; i++) {
      lease(OWNER);
      CheckResult failed = new CheckResult("lapsed.com", "simulator", at.plusSeconds(i), at.plusSeconds(i),
          new ProviderAnswer.Failure(org.domainguard.check.Outcome.TIMEOUT, "timeout", null), 1);
      await(writer.submit(new CheckRecord(stored(), failed, new Decision(Phase.ACTIVE, null, null, i, at.plus(Duration.ofHours(1)), null), null)));
    }
    lease(OWNER);
    await(writer.submit(active(stored(), at.plusSeconds(10), "active")));
    assertEquals(4, count("SELECT count(*) FROM domain_checks"), "each failure, and the recovery after them");
  }

  @Test
  void everyChangeHasItsAuditRow() {
    assertEquals(2, await(writer.submit(redemption(Instant.now()))));
    assertEquals(0, count("SELECT count(*) FROM email_addresses WHERE verified"));
    assertEquals(2, count("SELECT count(*) FROM verification_events WHERE reason = 'domain_redemption' AND phase = 'REDEMPTION' AND check_id IS NOT NULL AND old_verified AND NOT new_verified"));
    assertEquals("REDEMPTION", await(pool.query("SELECT phase FROM domains").execute()).iterator().next().getString(0));
  }

  @Test
  void aResultIsWrittenOnceBecauseItsWriteFreesTheLease() {
    CheckRecord record = redemption(Instant.now());
    assertEquals(2, await(writer.submit(record)));
    TestDatabase.jdbc(target, "UPDATE email_addresses SET verified = true WHERE address = 'a@lapsed.com'");
    assertThrows(LeaseLostException.class, () -> await(writer.submit(record)), "written again, it finds no lease of its own");
    assertEquals(1, count("SELECT count(*) FROM domain_checks"));
    assertEquals(2, count("SELECT count(*) FROM verification_events"));
    assertEquals(1, count("SELECT count(*) FROM email_addresses WHERE verified"), "the re-verified address is left alone");
  }

  @Test
  void addressesVerifiedAfterTheCheckStartedAreLeftAlone() {
    Instant startedBetween = Instant.now().minus(Duration.ofHours(36));
    assertEquals(1, await(writer.submit(redemption(startedBetween))));
    assertEquals(1, count("SELECT count(*) FROM email_addresses WHERE verified AND address = 'b@lapsed.com'"));
  }

  @Test
  void aFailedAuditWriteRollsBackTheChange() {
    TestDatabase.jdbc(target, "ALTER TABLE verification_events ADD CONSTRAINT refuse_all CHECK (false) NOT VALID");
    assertThrows(RuntimeException.class, () -> await(writer.submit(redemption(Instant.now()))));
    assertEquals(2, count("SELECT count(*) FROM email_addresses WHERE verified"), "no change without its audit row");
    assertEquals(0, count("SELECT count(*) FROM domain_checks"), "the whole batch is one transaction");
    assertEquals(1, count("SELECT count(*) FROM domains WHERE phase IS NULL"), "the domain state rolled back too");
  }

  @Test
  void aResultWhoseLeaseAnotherDaemonTookOverChangesNothingAndIsCounted() {
    lease("another-daemon");
    assertThrows(LeaseLostException.class, () -> await(writer.submit(redemption(Instant.now()))));
    assertEquals(2, count("SELECT count(*) FROM email_addresses WHERE verified"), "no address changed");
    assertEquals(0, count("SELECT count(*) FROM domain_checks"), "no check row");
    assertEquals(0, count("SELECT count(*) FROM verification_events"));
    assertEquals(1, count("SELECT count(*) FROM domains WHERE phase IS NULL AND lease_owner = 'another-daemon'"),
        "the domain's state and the other daemon's lease are untouched");
    assertEquals(1.0, registry.get("domainguard_checks_discarded_total").tag("reason", "lease_lost").counter().count());
  }

  @Test
  void inOneBatchOnlyTheLostLeaseIsDiscarded(Vertx vertx) {
    TestDatabase.jdbc(target, "INSERT INTO email_addresses(user_id, address, verified, verified_at) VALUES ('u3', 'c@kept.com', true, now() - interval '2 days')");
    await(new DiscoveryService(vertx, pool, 100).discover());
    TestDatabase.jdbc(target, "UPDATE domains SET lease_owner = CASE name WHEN 'kept.com' THEN '" + OWNER + "' ELSE 'another-daemon' END,"
        + " lease_expires_at = now() + interval '5 minutes'");
    DomainState kept = new DomainState(count("SELECT id FROM domains WHERE name = 'kept.com'"), "kept.com", Phase.ACTIVE, null, null, 0, null);
    CheckRecord lost = redemption(Instant.now());
    CheckRecord own = new CheckRecord(kept, lost.result(), lost.decision(), null);
    var lostWrite = writer.submit(lost);
    var ownWrite = writer.submit(own);
    assertEquals(1, await(ownWrite));
    assertThrows(LeaseLostException.class, () -> await(lostWrite));
    assertEquals(1, count("SELECT count(*) FROM domain_checks"));
    assertEquals(2, count("SELECT count(*) FROM email_addresses WHERE verified AND address LIKE '%@lapsed.com'"));
  }

  @Test
  void aBatchEndedToBreakADeadlockIsWrittenAgain(Vertx vertx) throws Exception {
    TestDatabase.jdbc(target, "INSERT INTO email_addresses(user_id, address, verified, verified_at) VALUES ('u3', 'c@kept.com', true, now() - interval '2 days')");
    await(new DiscoveryService(vertx, pool, 100).discover());
    lease(OWNER);
    DomainState kept = new DomainState(count("SELECT id FROM domains WHERE name = 'kept.com'"), "kept.com", Phase.ACTIVE, null, null, 0, null);
    Instant at = Instant.now().minus(Duration.ofHours(1));
    try (Connection other = DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
        Statement s = other.createStatement()) {
      s.execute("SET search_path TO " + target.schema());
      // The writer's side detects the deadlock first, so it is the transaction PostgreSQL ends.
      s.execute("SET deadlock_timeout = '30s'");
      other.setAutoCommit(false);
      s.execute("SELECT 1 FROM domains WHERE name = 'kept.com' FOR UPDATE"); // the later id, as discovery may hold it
      var lapsedWrite = writer.submit(redemption(at));
      var keptWrite = writer.submit(active(kept, at, "active"));
      until("the batch to wait for kept.com's row", () -> waitingForALock(s));
      s.execute("SELECT 1 FROM domains WHERE name = 'lapsed.com' FOR UPDATE"); // held by the batch: a deadlock
      other.commit();
      assertEquals(2, await(lapsedWrite), "written again, the batch unverifies what it would have");
      assertEquals(0, await(keptWrite));
    }
    assertEquals(2, count("SELECT count(*) FROM domain_checks"));
    assertEquals(2, count("SELECT count(*) FROM verification_events"), "each change once, with its audit row");
    assertEquals(0, count("SELECT count(*) FROM domains WHERE lease_owner IS NOT NULL"));
  }

  /** Whether another transaction waits for the one {@code s} is in. */
  private static boolean waitingForALock(Statement s) {
    try (ResultSet r = s.executeQuery("SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'"
        + " AND transactionid::text = pg_current_xact_id()::text")) {
      r.next();
      return r.getLong(1) > 0;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
