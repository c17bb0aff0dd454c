package org.domainguard.apply;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.domainguard.check.CheckResult;
import org.domainguard.check.Phase;
import org.domainguard.check.ProviderAnswer;
import org.domainguard.check.RegistryRecord;
import org.domainguard.config.AppConfig;
import org.domainguard.db.DbTarget;
import org.domainguard.discovery.DiscoveryService;
import org.domainguard.testing.MovableClock;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Re-registration seen in the registry's dates (SPEC §2): policy and writer together on a real
 * PostgreSQL, with results built in code. The clock is the wall clock's day, so the host's own
 * re-verification (stamped by the trigger) lands after the registration dates used here.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class ReregistrationTest {
  private static final AppConfig.Schedule SCHEDULE = new AppConfig.Schedule(Duration.ofDays(30), Duration.ofDays(1),
      Duration.ofDays(1), Duration.ofHours(1), Duration.ofDays(7), Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofMinutes(5));

  private final MovableClock clock = new MovableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private final Policy policy = new Policy(SCHEDULE, new AppConfig.Policy(false));
  private DbTarget target;
  private Pool pool;
  private ChangeWriter writer;
  private long domainId;

  @BeforeEach
  void setUp(Vertx vertx) {
    target = TestDatabase.migratedSchema();
    pool = TestDatabase.pool(vertx, target);
    writer = new ChangeWriter(new MassChangeGuard(pool, new AppConfig.Guard(1000, 1.0), clock));
  }

  /** Verified addresses on re.com, each verified the given number of days before the clock. */
  private void addresses(Vertx vertx, Object... localAndDaysAgo) {
    for (int i = 0; i < localAndDaysAgo.length; i += 2) {
      Instant verifiedAt = daysAgo(((Number) localAndDaysAgo[i + 1]).doubleValue());
      TestDatabase.jdbc(target, "INSERT INTO email_addresses(user_id, address, verified, verified_at) VALUES ('u', '"
          + localAndDaysAgo[i] + "@re.com', true, '" + verifiedAt + "')");
    }
    await(new DiscoveryService(vertx, pool, 100).discover());
    domainId = one("SELECT id FROM domains WHERE name = 're.com'").getLong(0);
  }

  private Instant daysAgo(double days) {
    return clock.instant().minus(Duration.ofMinutes(Math.round(days * 24 * 60)));
  }

  private static RegistryRecord record(Phase phase, Instant registeredAt, Instant transferredAt) {
    return new RegistryRecord("rdap.example-registry.test", 200, phase, registeredAt, registeredAt == null ? null : registeredAt.plus(Duration.ofDays(365)),
        transferredAt, transferredAt, List.of("Terms of Use", "Status Codes"));
  }

  private CheckResult rdap(RegistryRecord record) {
    Instant at = clock.instant();
    return new CheckResult("re.com", "rdap", at, at.plusMillis(40), ProviderAnswer.Statuses.of(List.of("client transfer prohibited"), record), 1);
  }

  private CheckResult fastly(String tokens) {
    Instant at = clock.instant();
    return new CheckResult("re.com", "fastly", at, at.plusMillis(40), ProviderAnswer.Statuses.parse(tokens), 1);
  }

  private DomainState state() {
    Row d = one("SELECT phase, lapse_phase, lapse_seen_at, failure_count, last_seen FROM domains WHERE id = " + domainId);
    return new DomainState(domainId, "re.com", Phase.parse(d.getString("phase")), Phase.parse(d.getString("lapse_phase")),
        d.getOffsetDateTime("lapse_seen_at") == null ? null : d.getOffsetDateTime("lapse_seen_at").toInstant(), d.getInteger("failure_count"),
        d.getLong("last_seen"));
  }

  /** Decides from the domain's stored state and writes the check in one transaction, as a sweep does. */
  private Decision check(CheckResult result) {
    Decision decision = policy.decide(state(), result);
    CheckRecord record = new CheckRecord(state(), result, decision, null);
    await(pool.withTransaction(conn -> writer.write(conn, List.of(record))));
    return decision;
  }

  private Row one(String sql) {
    return await(pool.query(sql).execute()).iterator().next();
  }

  private List<String> verified() {
    return await(pool.query("SELECT address FROM email_addresses WHERE verified ORDER BY address").execute()).stream()
        .map(r -> r.getString(0)).toList();
  }

  @Test
  void registrationAfterVerificationUnverifiesOnlyOlderAddressesWithoutAnyLapse(Vertx vertx) {
    addresses(vertx, "old", 60, "new", 10);
    Decision d = check(rdap(record(Phase.ACTIVE, daysAgo(20), null)));

    assertEquals(Phase.ACTIVE, d.phase(), "the domain stays in the phase its registry says");
    assertEquals(List.of("new@re.com"), verified());
    Row old = one("SELECT unverify_reason FROM email_addresses WHERE address = 'old@re.com'");
    assertEquals("domain_reregistered", old.getString(0));
    Row event = one("SELECT ve.reason, ve.phase, ve.address, ve.check_id = dc.id AS same_check, count(*) OVER () AS n "
        + "FROM verification_events ve JOIN domain_checks dc ON dc.domain_id = ve.domain_id");
    assertEquals("domain_reregistered", event.getString("reason"));
    assertEquals("ACTIVE", event.getString("phase"));
    assertEquals("old@re.com", event.getString("address"));
    assertEquals(true, event.getBoolean("same_check"), "the audit row names the check that gave the date");
    assertEquals(1L, event.getLong("n"));
    assertEquals("ACTIVE", one("SELECT phase FROM domains").getString(0));
  }

  @Test
  void transferAloneActsOnNothingButIsKept(Vertx vertx) {
    addresses(vertx, "old", 60, "new", 10);
    Decision d = check(rdap(record(Phase.ACTIVE, Instant.parse("2004-05-06T00:00:00Z"), daysAgo(20))));

    assertEquals(Instant.parse("2004-05-06T00:00:00Z"), d.cutoff(), "the registration date is the cutoff, never the transfer's");
    assertEquals(List.of("new@re.com", "old@re.com"), verified());
    assertEquals(daysAgo(20), one("SELECT transferred_at FROM domain_checks").getOffsetDateTime(0).toInstant());
    assertEquals(0L, one("SELECT count(*) FROM verification_events").getLong(0));
  }

  @Test
  void aRegistrationDateAheadOfTheCheckCountsAsTheCheckStart(Vertx vertx) {
    addresses(vertx, "old", 1);
    TestDatabase.jdbc(target, "INSERT INTO email_addresses(user_id, address, verified, verified_at) VALUES ('u', 'during@re.com', true, '"
        + clock.instant().plusSeconds(1) + "')");
    await(new DiscoveryService(vertx, pool, 100).discover());
    Decision d = check(rdap(record(Phase.ACTIVE, clock.instant().plus(Duration.ofHours(3)), null)));

    assertEquals(clock.instant(), d.cutoff(), "a registry's clock ahead of ours is clamped to the check's start");
    assertEquals(List.of("during@re.com"), verified(), "an address verified after the check started is never acted on");
  }

  @Test
  void aRegistrationDateYearsAheadIsIgnored(Vertx vertx) {
    addresses(vertx, "old", 60);
    check(rdap(record(Phase.ACTIVE, Instant.parse("3024-01-01T00:00:00Z"), null)));
    assertEquals(List.of("old@re.com"), verified());
  }

  @Test
  void anAddressReverifiedAfterTheNewRegistrationStaysVerified(Vertx vertx) {
    addresses(vertx, "old", 60);
    Instant registered = daysAgo(20);
    check(rdap(record(Phase.ACTIVE, registered, null)));
    assertEquals(List.of(), verified());

    TestDatabase.jdbc(target, "UPDATE email_addresses SET verified = true, unverify_reason = NULL WHERE address = 'old@re.com'");
    clock.advance(Duration.ofDays(30));
    Decision again = check(rdap(record(Phase.ACTIVE, registered, null)));

    assertEquals("domain_reregistered", again.unverifyReason(), "the date still stands as evidence");
    assertEquals(List.of("old@re.com"), verified(), "the host's re-verification is later than the registration");
    assertEquals(1L, one("SELECT count(*) FROM verification_events").getLong(0));
  }

  @Test
  void theLapseRuleStillWorksWithoutDates(Vertx vertx) {
    addresses(vertx, "before", 40, "during", 5);
    check(fastly("undelegated inactive"));
    assertEquals(List.of(), verified());
    TestDatabase.jdbc(target, "UPDATE email_addresses SET verified = true, unverify_reason = NULL WHERE address = 'during@re.com'");
    clock.advance(Duration.ofDays(3));

    Decision d = check(fastly("active"));
    assertEquals(Phase.REREGISTERED, d.phase());
    assertEquals(List.of("during@re.com"), verified(), "re-verified after the lapse was seen: the new owner's");
  }

  @Test
  void withALapseAndALaterRegistrationTheLaterCutoffCoversBoth(Vertx vertx) {
    // Lapse first seen 30 days ago; registered anew 10 days ago; the lapse was never over in between.
    addresses(vertx, "beforeLapse", 60, "inLapse", 20, "afterRegistration", 5);
    TestDatabase.jdbc(target, "UPDATE domains SET phase = 'RELEASED', lapse_phase = 'RELEASED', lapse_seen_at = '" + daysAgo(30) + "'");
    Decision d = check(rdap(record(Phase.ACTIVE, daysAgo(10), null)));

    assertEquals(Phase.REREGISTERED, d.phase());
    assertEquals(daysAgo(10), d.cutoff());
    assertEquals(List.of("afterRegistration@re.com"), verified());
    assertEquals(2L, one("SELECT count(*) FROM verification_events WHERE reason = 'domain_reregistered' AND phase = 'REREGISTERED'").getLong(0));
  }

  @Test
  void withAnOlderRegistrationDateTheLapseStillCatchesWhatItWould(Vertx vertx) {
    // The registry kept the original creation date (a restore): the lapse, seen later, is the later cutoff.
    addresses(vertx, "beforeRegistration", 90, "betweenRegistrationAndLapse", 20, "afterLapse", 5);
    TestDatabase.jdbc(target, "UPDATE domains SET phase = 'REDEMPTION', lapse_phase = 'REDEMPTION', lapse_seen_at = '" + daysAgo(10) + "'");
    Decision d = check(rdap(record(Phase.ACTIVE, daysAgo(30), null)));

    assertEquals(daysAgo(10), d.cutoff());
    assertEquals(List.of("afterLapse@re.com"), verified(), "the registration date must not spare an address the lapse rule catches");
  }

  @Test
  void theMassChangeGuardHoldsDateBasedUnverificationsToo(Vertx vertx) {
    writer = new ChangeWriter(new MassChangeGuard(pool, new AppConfig.Guard(1, 1.0), clock));
    addresses(vertx, "a", 60, "b", 50, "c", 40);
    check(rdap(record(Phase.ACTIVE, daysAgo(20), null)));

    assertEquals(3, verified().size(), "three changes are past a limit of one");
    Row held = one("SELECT reason, phase, addresses, cutoff FROM held_changes WHERE state = 'held'");
    assertEquals("domain_reregistered", held.getString("reason"));
    assertEquals("ACTIVE", held.getString("phase"));
    assertEquals(3, held.getInteger("addresses"));
    assertEquals(daysAgo(20), held.getOffsetDateTime("cutoff").toInstant());
  }

  /** Domains whose verified_since is later than one of their verified addresses' verification: must be none. */
  private long boundsTooHigh() {
    return one("""
        SELECT count(*) FROM domains d
        WHERE d.verified_since > (SELECT min(COALESCE(e.verified_at, '-infinity'))
                                  FROM watched_addresses w JOIN email_addresses e ON e.id = w.email_id
                                  WHERE w.domain_id = d.id AND e.verified)""").getLong(0);
  }

  private Instant verifiedSince(String domain) {
    return one("SELECT verified_since FROM domains WHERE name = '" + domain + "'").getOffsetDateTime(0).toInstant();
  }

  @Test
  void anAddressFoundAfterAnEarlierCheckIsStillCaughtByTheNextRegistrationDate(Vertx vertx) {
    addresses(vertx, "new", 5);
    check(rdap(record(Phase.ACTIVE, daysAgo(400), null)));
    assertEquals(List.of("new@re.com"), verified());

    // Linked after the check, verified long before it: the domain's bound moves down with it.
    TestDatabase.jdbc(target, "INSERT INTO email_addresses(user_id, address, verified, verified_at) VALUES ('u', 'old@re.com', true, '"
        + daysAgo(60) + "')");
    await(new DiscoveryService(vertx, pool, 100).discover());
    assertEquals(daysAgo(60), verifiedSince("re.com"));

    clock.advance(Duration.ofDays(1));
    check(rdap(record(Phase.ACTIVE, daysAgo(20), null)));
    assertEquals(List.of("new@re.com"), verified(), "registered anew after old@ was verified");
  }

  private void discover(Vertx vertx) {
    await(new DiscoveryService(vertx, pool, 100).discover());
  }

  @Test
  void aDomainsBoundFollowsEveryWayAnAddressGetsAnEarlierVerification(Vertx vertx) {
    addresses(vertx, "a", 10, "b", 5);
    TestDatabase.jdbc(target, "INSERT INTO email_addresses(user_id, address, verified, verified_at) VALUES ('u', 'c@other.org', true, '"
        + daysAgo(2) + "'), ('u', 'unverified@other.org', false, NULL)");
    discover(vertx);
    assertEquals(daysAgo(10), verifiedSince("re.com"), "the earliest verification when found");
    assertEquals(daysAgo(2), verifiedSince("other.org"), "an unverified address brings nothing");

    TestDatabase.jdbc(target, "UPDATE email_addresses SET verified_at = '" + daysAgo(30) + "' WHERE address = 'b@re.com'");
    discover(vertx);
    assertEquals(daysAgo(30), verifiedSince("re.com"), "the host moving a verification earlier");
    assertEquals(0L, boundsTooHigh());

    TestDatabase.jdbc(target, "UPDATE watched_addresses SET domain_id = (SELECT id FROM domains WHERE name = 'other.org') "
        + "WHERE email_id = (SELECT id FROM email_addresses WHERE address = 'a@re.com')");
    assertEquals(daysAgo(10), verifiedSince("other.org"), "an address moved to another domain brings its verification");
    assertEquals(0L, boundsTooHigh());

    TestDatabase.jdbc(target, "UPDATE email_addresses SET verified_at = '" + daysAgo(90) + "' WHERE address = 'unverified@other.org'");
    discover(vertx);
    assertEquals(daysAgo(10), verifiedSince("other.org"), "an unverified address's time counts for nothing");
    TestDatabase.jdbc(target, "SET domainguard.restoring = 'on'; UPDATE email_addresses SET verified = true WHERE address = 'unverified@other.org'");
    discover(vertx);
    assertEquals(daysAgo(90), verifiedSince("other.org"), "a verification restored with its earlier time");

    TestDatabase.jdbc(target, "UPDATE email_addresses SET verified_at = NULL WHERE address = 'c@other.org'");
    discover(vertx);
    assertEquals(true, one("SELECT verified_since = '-infinity' FROM domains WHERE name = 'other.org'").getBoolean(0),
        "an unknown verification time is before everything");
    assertEquals(0L, boundsTooHigh());
  }

  @Test
  void aVerificationCommittedWhileDiscoveryLinksTheAddressIsBroughtToItsDomainByTheNextDiscovery(Vertx vertx) throws Exception {
    addresses(vertx, "new", 5);
    TestDatabase.jdbc(target, "INSERT INTO email_addresses(user_id, address, verified) VALUES ('u', 'late@re.com', false)");
    try (Connection host = DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
        Statement s = host.createStatement()) {
      host.setAutoCommit(false);
      s.execute("SET search_path TO " + target.schema());
      s.execute("SET domainguard.restoring = 'on'");
      s.execute("UPDATE email_addresses SET verified = true, verified_at = '" + daysAgo(60) + "' WHERE address = 'late@re.com'");
      discover(vertx); // links late@ as it was committed: not verified
      host.commit();
    }
    assertEquals(daysAgo(5), verifiedSince("re.com"), "the link could not see the verification");

    discover(vertx);
    assertEquals(daysAgo(60), verifiedSince("re.com"), "the queued verification links the address again");
    check(rdap(record(Phase.ACTIVE, daysAgo(20), null)));
    assertEquals(List.of("new@re.com"), verified());
  }

  @Test
  void theEndOfALapseIsWeighedEvenBeforeDiscoveryBringsAnEarlierVerificationToTheBound(Vertx vertx) {
    addresses(vertx, "host", 5);
    TestDatabase.jdbc(target, "UPDATE domains SET phase = 'RELEASED', lapse_phase = 'RELEASED', lapse_seen_at = '" + daysAgo(30) + "'");
    // The host dates the verification back (an import); discovery has not run since.
    TestDatabase.jdbc(target, "UPDATE email_addresses SET verified_at = '" + daysAgo(60) + "'");
    assertEquals(daysAgo(5), verifiedSince("re.com"));

    Decision d = check(fastly("active"));
    assertEquals(Phase.REREGISTERED, d.phase(), "the lapse ends with this check, once");
    assertEquals(List.of(), verified(), "verified before the lapse was seen: the old registrant's");
  }

  @Test
  void aCheckWhoseCutoffIsNotAfterTheBoundLooksAtNoAddress(Vertx vertx) {
    addresses(vertx, "old", 60);
    // A bound later than the truth (never made by domain-guard) shows what the writer trusts it for.
    TestDatabase.jdbc(target, "UPDATE domains SET verified_since = '" + daysAgo(10) + "'");
    check(rdap(record(Phase.ACTIVE, daysAgo(20), null)));
    assertEquals(List.of("old@re.com"), verified());

    check(rdap(record(Phase.ACTIVE, daysAgo(5), null)));
    assertEquals(List.of(), verified(), "a cutoff after the bound weighs the addresses");
  }

  @Test
  void eachCheckKeepsTheRegistryEvidenceAndOtherProvidersLeaveItNull(Vertx vertx) {
    addresses(vertx, "new", 1);
    check(fastly("active"));
    Instant registered = Instant.parse("2011-02-03T04:05:06Z");
    check(rdap(new RegistryRecord("rdap.example-registry.test", 200, Phase.ACTIVE, registered, Instant.parse("2027-02-03T04:05:06Z"),
        Instant.parse("2019-07-08T00:00:00Z"), Instant.parse("2026-01-02T03:04:05Z"), List.of("Terms of Use", "RDDS Inaccuracy Complaint Form"))));

    Row fastly = one("SELECT server, http_status, registered_at, expires_at, transferred_at, last_changed_at, notices FROM domain_checks WHERE provider = 'fastly'");
    for (int i = 0; i < fastly.size(); i++) {
      assertNull(fastly.getValue(i), fastly.getColumnName(i));
    }
    Row rdap = one("SELECT server, http_status, registered_at, expires_at, transferred_at, last_changed_at, notices::text, statuses FROM domain_checks WHERE provider = 'rdap'");
    assertEquals("rdap.example-registry.test", rdap.getString("server"));
    assertEquals(200, rdap.getInteger("http_status"));
    assertEquals(registered, rdap.getOffsetDateTime("registered_at").toInstant());
    assertEquals(Instant.parse("2027-02-03T04:05:06Z"), rdap.getOffsetDateTime("expires_at").toInstant());
    assertEquals(Instant.parse("2019-07-08T00:00:00Z"), rdap.getOffsetDateTime("transferred_at").toInstant());
    assertEquals(Instant.parse("2026-01-02T03:04:05Z"), rdap.getOffsetDateTime("last_changed_at").toInstant());
    assertEquals("[\"Terms of Use\", \"RDDS Inaccuracy Complaint Form\"]", rdap.getString("notices"));
    assertEquals("client transfer prohibited", rdap.getString("statuses"));
  }
}
