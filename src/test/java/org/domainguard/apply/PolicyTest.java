package org.domainguard.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.domainguard.check.CheckResult;
import org.domainguard.check.Outcome;
import org.domainguard.check.Phase;
import org.domainguard.check.ProviderAnswer;
import org.domainguard.check.RegistryRecord;
import org.domainguard.config.AppConfig;
import org.junit.jupiter.api.Test;

class PolicyTest {
  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  private static final AppConfig.Schedule SCHEDULE = new AppConfig.Schedule(Duration.ofDays(30), Duration.ofDays(1),
      Duration.ofDays(1), Duration.ofHours(1), Duration.ofDays(7), Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofMinutes(5));
  private final Policy standard = new Policy(SCHEDULE, new AppConfig.Policy(false));
  private final Policy strict = new Policy(SCHEDULE, new AppConfig.Policy(true));

  private static DomainState state(Phase phase, Phase lapsePhase, Instant lapseSeenAt, int failures) {
    return new DomainState(1, "example.com", phase, lapsePhase, lapseSeenAt, failures, null);
  }

  private static DomainState fresh() {
    return state(null, null, null, 0);
  }

  private static CheckResult answer(String tokens) {
    return new CheckResult("example.com", "simulator", NOW, NOW.plusMillis(20), ProviderAnswer.Statuses.parse(tokens), 1);
  }

  private static CheckResult failure(Outcome outcome) {
    return new CheckResult("example.com", "simulator", NOW, NOW.plusMillis(20), new ProviderAnswer.Failure(outcome, "x", null), 3);
  }

  @Test
  void activeDoesNothingAndWaitsThirtyDays() {
    Decision d = standard.decide(fresh(), answer("active"));
    assertEquals(Phase.ACTIVE, d.phase());
    assertFalse(d.unverifies());
    assertEquals(NOW.plus(Duration.ofDays(30)), d.nextCheckAt());
  }

  @Test
  void graceIsMonitoredDailyAndStartsALapse() {
    Decision d = standard.decide(fresh(), answer("active undelegated"));
    assertEquals(Phase.GRACE, d.phase());
    assertFalse(d.unverifies());
    assertEquals(NOW, d.lapseSeenAt());
    assertEquals(NOW.plus(Duration.ofDays(1)), d.nextCheckAt());
  }

  @Test
  void strictPolicyUnverifiesInGrace() {
    Decision d = strict.decide(fresh(), answer("active undelegated"));
    assertEquals("domain_grace", d.unverifyReason());
    assertEquals(NOW, d.cutoff());
  }

  @Test
  void redemptionPendingDeleteAndReleasedUnverifyWithTheirReasons() {
    assertEquals("domain_redemption", standard.decide(fresh(), answer("active expiring")).unverifyReason());
    assertEquals("domain_pending_delete", standard.decide(fresh(), answer("deleting")).unverifyReason());
    Decision released = standard.decide(fresh(), answer("undelegated inactive"));
    assertEquals("domain_released", released.unverifyReason());
    assertEquals(NOW, released.cutoff(), "only addresses verified before the evidence");
    assertEquals(NOW.plus(Duration.ofDays(1)), released.nextCheckAt());
  }

  @Test
  void lapseKeepsItsFirstSightingAndWorstPhase() {
    Instant firstSeen = NOW.minus(Duration.ofDays(20));
    Decision d = standard.decide(state(Phase.REDEMPTION, Phase.REDEMPTION, firstSeen, 0), answer("deleting"));
    assertEquals(Phase.PENDING_DELETE, d.lapsePhase());
    assertEquals(firstSeen, d.lapseSeenAt());
  }

  @Test
  void renewalAfterGraceEndsTheLapse() {
    Decision d = standard.decide(state(Phase.GRACE, Phase.GRACE, NOW.minus(Duration.ofDays(3)), 0), answer("active"));
    assertEquals(Phase.ACTIVE, d.phase());
    assertNull(d.lapseSeenAt());
    assertNull(d.lapsePhase());
    assertFalse(d.unverifies());
  }

  @Test
  void activeAfterRedemptionIsReregisteredAndCutsOffAtTheLapse() {
    Instant firstSeen = NOW.minus(Duration.ofDays(40));
    for (Phase lapsed : new Phase[] {Phase.REDEMPTION, Phase.PENDING_DELETE, Phase.RELEASED}) {
      Decision d = standard.decide(state(lapsed, lapsed, firstSeen, 0), answer("active"));
      assertEquals(Phase.REREGISTERED, d.phase(), lapsed.name());
      assertEquals("domain_reregistered", d.unverifyReason());
      assertEquals(firstSeen, d.cutoff(), "addresses verified after the lapse was seen belong to the new registrant");
      assertEquals(NOW.plus(Duration.ofDays(30)), d.nextCheckAt());
      assertNull(d.lapseSeenAt(), "the lapse is over");
    }
  }

  @Test
  void reregisteredThenActiveIsActiveAgain() {
    Decision d = strict.decide(state(Phase.REREGISTERED, null, null, 0), answer("active"));
    assertEquals(Phase.ACTIVE, d.phase());
    assertFalse(d.unverifies());
    Decision grace = strict.decide(state(Phase.REREGISTERED, null, null, 0), answer("active undelegated"));
    assertEquals(Phase.GRACE, grace.phase(), "the new owner's own grace is monitored daily");
    assertEquals("domain_grace", grace.unverifyReason());
  }

  @Test
  void graceAfterReleaseIsReregisteredToo() {
    Decision d = standard.decide(state(Phase.RELEASED, Phase.RELEASED, NOW.minus(Duration.ofDays(5)), 0), answer("active undelegated"));
    assertEquals(Phase.REREGISTERED, d.phase());
  }

  @Test
  void unknownBetweenLapseAndReturnStillDetectsReregistration() {
    DomainState afterUnknown = state(Phase.UNKNOWN, Phase.RELEASED, NOW.minus(Duration.ofDays(5)), 1);
    assertEquals(Phase.REREGISTERED, standard.decide(afterUnknown, answer("active")).phase());
  }

  @Test
  void failedCheckKeepsThePhaseAndBacksOff() {
    DomainState s = state(Phase.REDEMPTION, Phase.REDEMPTION, NOW.minus(Duration.ofDays(2)), 0);
    for (Outcome o : new Outcome[] {Outcome.ERROR, Outcome.TIMEOUT, Outcome.MALFORMED, Outcome.RATE_LIMITED}) {
      Decision d = standard.decide(s, failure(o));
      assertEquals(Phase.REDEMPTION, d.phase());
      assertFalse(d.unverifies(), o + " never unverifies");
      assertEquals(1, d.failureCount());
      assertEquals(NOW.plus(Duration.ofHours(1)), d.nextCheckAt());
    }
  }

  @Test
  void unknownActsOnNothingAndBacksOffDoublingToSevenDays() {
    assertEquals(NOW.plus(Duration.ofHours(4)), standard.decide(state(Phase.ACTIVE, null, null, 2), answer("unknown")).nextCheckAt());
    Decision capped = standard.decide(state(Phase.ACTIVE, null, null, 30), answer("unknown"));
    assertEquals(Phase.UNKNOWN, capped.phase());
    assertFalse(capped.unverifies());
    assertEquals(NOW.plus(Duration.ofDays(7)), capped.nextCheckAt());
  }

  @Test
  void successResetsTheFailureCount() {
    assertEquals(0, standard.decide(state(Phase.ACTIVE, null, null, 5), answer("active")).failureCount());
  }

  @Test
  void newLapseAfterReregistrationStartsAFreshSighting() {
    Decision d = standard.decide(state(Phase.REREGISTERED, null, null, 0), answer("active expiring"));
    assertEquals(Phase.REDEMPTION, d.phase());
    assertEquals(NOW, d.lapseSeenAt());
    assertTrue(d.unverifies());
  }

  private static CheckResult registry(Phase phase, Instant registeredAt, Instant transferredAt) {
    RegistryRecord record = new RegistryRecord("rdap.test", 200, phase, registeredAt, null, transferredAt, null, List.of());
    return new CheckResult("example.com", "rdap", NOW, NOW.plusMillis(20), ProviderAnswer.Statuses.of(List.of("active"), record), 1);
  }

  @Test
  void registrationDateUnverifiesOlderAddressesWhileTheDomainStaysActive() {
    Instant registered = NOW.minus(Duration.ofDays(3));
    Decision d = standard.decide(state(Phase.ACTIVE, null, null, 0), registry(Phase.ACTIVE, registered, null));
    assertEquals(Phase.ACTIVE, d.phase());
    assertEquals(new Decision.Unverify("domain_reregistered", registered), d.unverify());
    assertNull(d.lapseSeenAt());
    assertEquals(NOW.plus(Duration.ofDays(30)), d.nextCheckAt());
  }

  @Test
  void transferDateIsNeverACutoff() {
    Decision d = standard.decide(fresh(), registry(Phase.ACTIVE, null, NOW.minus(Duration.ofDays(1))));
    assertFalse(d.unverifies());
  }

  @Test
  void registrationDateAheadOfTheCheckIsClampedAndFarAheadOrAncientIgnored() {
    assertEquals(NOW, standard.decide(fresh(), registry(Phase.ACTIVE, NOW.plus(Duration.ofHours(5)), null)).cutoff());
    assertFalse(standard.decide(fresh(), registry(Phase.ACTIVE, NOW.plus(Duration.ofDays(2)), null)).unverifies());
    assertFalse(standard.decide(fresh(), registry(Phase.ACTIVE, Instant.parse("1970-01-01T00:00:00Z"), null)).unverifies());
  }

  @Test
  void lapseAndRegistrationDateTogetherTakeTheLaterCutoff() {
    Instant lapse = NOW.minus(Duration.ofDays(20));
    DomainState released = state(Phase.RELEASED, Phase.RELEASED, lapse, 0);
    Decision newer = standard.decide(released, registry(Phase.ACTIVE, NOW.minus(Duration.ofDays(2)), null));
    assertEquals(Phase.REREGISTERED, newer.phase());
    assertEquals(NOW.minus(Duration.ofDays(2)), newer.cutoff());
    Decision older = standard.decide(released, registry(Phase.ACTIVE, NOW.minus(Duration.ofDays(400)), null));
    assertEquals(lapse, older.cutoff(), "an older registration date must not spare what the lapse catches");
    assertEquals("domain_reregistered", older.unverifyReason());
  }

  @Test
  void aLapsingAnswerKeepsItsOwnReasonOverAnOlderRegistrationDate() {
    Decision d = standard.decide(fresh(), registry(Phase.REDEMPTION, NOW.minus(Duration.ofDays(2)), null));
    assertEquals(new Decision.Unverify("domain_redemption", NOW), d.unverify());
    Decision grace = standard.decide(fresh(), registry(Phase.GRACE, NOW.minus(Duration.ofDays(2)), null));
    assertEquals(Phase.GRACE, grace.phase());
    assertEquals(new Decision.Unverify("domain_reregistered", NOW.minus(Duration.ofDays(2))), grace.unverify(),
        "grace alone acts on nothing, but the registration date still does");
    assertEquals(NOW, grace.lapseSeenAt());
  }

  @Test
  void unknownAndFailuresIgnoreRegistrationDates() {
    assertFalse(standard.decide(fresh(), registry(Phase.UNKNOWN, NOW.minus(Duration.ofDays(2)), null)).unverifies());
  }
}
