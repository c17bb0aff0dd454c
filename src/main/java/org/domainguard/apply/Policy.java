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

  public Policy(AppConfig.Schedule schedule, AppConfig.Policy policy) {
    this.schedule = schedule;
    this.strict = policy.strict();
  }

  public Decision decide(DomainState state, CheckResult result) {
    Phase answered = result.classified();
    Instant at = result.startedAt();
    if (answered == null || answered == Phase.UNKNOWN) {
      // A failure is not a phase: the previous one stays. UNKNOWN is recorded but acts on nothing.
      int failures = state.failureCount() + 1;
      Phase phase = answered == null ? state.phase() : Phase.UNKNOWN;
      return new Decision(phase, state.lapsePhase(), state.lapseSeenAt(), failures, at.plus(backoff(failures)), null, null);
    }
    boolean lapsedBefore = state.lapsePhase() != null && state.lapsePhase().isLapsed();
    if ((answered == Phase.ACTIVE || answered == Phase.GRACE) && lapsedBefore) {
      // Only addresses verified before the lapse was first seen belonged to the old registrant.
      // The lapse is then over: the next answer is judged on its own.
      Instant cutoff = state.lapseSeenAt() != null && state.lapseSeenAt().isBefore(at) ? state.lapseSeenAt() : at;
      return new Decision(Phase.REREGISTERED, null, null, 0, at.plus(schedule.active()), reason(Phase.REREGISTERED), cutoff);
    }
    if (answered == Phase.ACTIVE) {
      // Renewed (or never lapsed): the lapse is over.
      return new Decision(Phase.ACTIVE, null, null, 0, at.plus(schedule.active()), null, null);
    }
    boolean newLapse = state.lapseSeenAt() == null;
    Instant lapseSeenAt = newLapse ? at : state.lapseSeenAt();
    Phase worst = newLapse || state.lapsePhase() == null || answered.severity() > state.lapsePhase().severity()
        ? answered : state.lapsePhase();
    if (answered == Phase.GRACE) {
      return new Decision(Phase.GRACE, worst, lapseSeenAt, 0, at.plus(schedule.grace()), strict ? reason(Phase.GRACE) : null, strict ? at : null);
    }
    return new Decision(answered, worst, lapseSeenAt, 0, at.plus(schedule.critical()), reason(answered), at);
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
