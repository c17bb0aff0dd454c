package org.domainguard.apply;

import java.time.Duration;
import java.time.Instant;
import org.domainguard.check.CheckResult;
import org.domainguard.check.Phase;
import org.domainguard.config.AppConfig;

/**
 * The phase policy of SPEC §2: the lifecycle transitions, which phases unverify (and with which
 * reason), and when each domain is checked next. Pure: no I/O, time comes from the result.
 */
public final class Policy {
  private final AppConfig.Schedule schedule;
  private final boolean strict;

  /** No domain was registered before the first ones in 1985: an earlier date is nonsense. */
  static final Instant FIRST_REGISTRATION = Instant.parse("1985-01-01T00:00:00Z");
  /** How far after the check's start a registration date may be and still count (as the start): a registry's clock skew. */
  static final Duration MAX_SKEW = Duration.ofDays(1);

  public Policy(AppConfig.Schedule schedule, AppConfig.Policy policy) {
    this.schedule = schedule;
    this.strict = policy.strict();
  }

  public Decision decide(DomainState state, CheckResult result) {
    Decision byPhase = byPhase(state, result);
    Phase answered = result.classified();
    if (answered == null || answered == Phase.UNKNOWN) {
      return byPhase;
    }
    // Both rules unverify the addresses verified before their cutoff, so together they unverify
    // those verified before the later of the two: taking the earlier would spare addresses one rule catches.
    Decision.Unverify unverify = Decision.Unverify.later(byPhase.unverify(), registeredSince(result));
    return new Decision(byPhase.phase(), byPhase.lapsePhase(), byPhase.lapseSeenAt(), byPhase.failureCount(), byPhase.nextCheckAt(), unverify);
  }

  /**
   * The registry's registration (or reregistration) date as a cutoff: the name was registered anew
   * then, so an address verified before it was proven under an earlier registration and is
   * unverified with reason {@code domain_reregistered}, whatever the phase, with or without an
   * observed lapse. A date a little after the check's start (clock skew) counts as the start; one
   * before {@link #FIRST_REGISTRATION} or more than {@link #MAX_SKEW} after the start is nonsense
   * and ignored. Null when the registry gives no usable date.
   */
  static Decision.Unverify registeredSince(CheckResult result) {
    Instant registered = result.registeredAt();
    Instant at = result.startedAt();
    if (registered == null || registered.isBefore(FIRST_REGISTRATION) || registered.isAfter(at.plus(MAX_SKEW))) {
      return null;
    }
    return new Decision.Unverify(reason(Phase.REREGISTERED), registered.isAfter(at) ? at : registered);
  }

  /** The decision from the answered phase and the lapse remembered between checks (SPEC §2). */
  private Decision byPhase(DomainState state, CheckResult result) {
    Phase answered = result.classified();
    Instant at = result.startedAt();
    if (answered == null || answered == Phase.UNKNOWN) {
      // A failure is not a phase: the previous one stays. UNKNOWN is recorded but acts on nothing.
      int failures = state.failureCount() + 1;
      Phase phase = answered == null ? state.phase() : Phase.UNKNOWN;
      return new Decision(phase, state.lapsePhase(), state.lapseSeenAt(), failures, at.plus(backoff(failures)), null);
    }
    boolean lapsedBefore = state.lapsePhase() != null && state.lapsePhase().isLapsed();
    if ((answered == Phase.ACTIVE || answered == Phase.GRACE) && lapsedBefore) {
      // Only addresses verified before the lapse was first seen belonged to the old registrant.
      // The lapse is then over: the next answer is judged on its own.
      Instant cutoff = state.lapseSeenAt() != null && state.lapseSeenAt().isBefore(at) ? state.lapseSeenAt() : at;
      return new Decision(Phase.REREGISTERED, null, null, 0, at.plus(schedule.active()), unverify(Phase.REREGISTERED, cutoff));
    }
    if (answered == Phase.ACTIVE) {
      // Renewed (or never lapsed): the lapse is over.
      return new Decision(Phase.ACTIVE, null, null, 0, at.plus(schedule.active()), null);
    }
    boolean newLapse = state.lapseSeenAt() == null;
    Instant lapseSeenAt = newLapse ? at : state.lapseSeenAt();
    Phase worst = newLapse || state.lapsePhase() == null || answered.severity() > state.lapsePhase().severity()
        ? answered : state.lapsePhase();
    if (answered == Phase.GRACE) {
      return new Decision(Phase.GRACE, worst, lapseSeenAt, 0, at.plus(schedule.grace()), strict ? unverify(Phase.GRACE, at) : null);
    }
    return new Decision(answered, worst, lapseSeenAt, 0, at.plus(schedule.critical()), unverify(answered, at));
  }

  private static Decision.Unverify unverify(Phase phase, Instant cutoff) {
    return new Decision.Unverify(reason(phase), cutoff);
  }

  static String reason(Phase phase) {
    return switch (phase) {
      case REDEMPTION -> "domain_redemption";
      case PENDING_DELETE -> "domain_pending_delete";
      case RELEASED -> "domain_released";
      case REREGISTERED -> "domain_reregistered";
      case GRACE -> "domain_grace";
      default -> throw new IllegalArgumentException(phase + " never unverifies");
    };
  }

  /** schedule.retry doubling per consecutive failure, capped at schedule.retry-max. */
  Duration backoff(int failures) {
    Duration d = schedule.retry().multipliedBy(1L << Math.min(failures - 1, 20));
    return d.compareTo(schedule.retryMax()) > 0 ? schedule.retryMax() : d;
  }
}
