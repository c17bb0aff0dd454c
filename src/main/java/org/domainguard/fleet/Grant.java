package org.domainguard.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One daemon's share of one limit, as stored: the rate and burst it may use until
 * {@code expiresAt}, and, until {@code heldUntil}, the larger share it gave up (its calls made at
 * that rate may still be arriving at the provider, so nobody else may take it yet).
 */
record Grant(double rate, double burst, double heldRate, double heldBurst, Instant heldUntil, Instant expiresAt) {
  /**
   * How long a share given up is still counted: the provider counts calls in one-second windows,
   * and the calls made at the larger share reach it a little after they left.
   */
  static final Duration HOLD = Duration.ofMillis(1_500);

  /** The rate the other daemons must leave to this share at {@code now}. */
  double countedRate(Instant now) {
    return now.isBefore(heldUntil) ? Math.max(rate, heldRate) : rate;
  }

  double countedBurst(Instant now) {
    return now.isBefore(heldUntil) ? Math.max(burst, heldBurst) : burst;
  }

  /**
   * This daemon's next share of a limit of {@code rate} and {@code burst}: a fair part (the limit
   * divided among the daemons sharing it, {@code others} and this one) but never more than the
   * others leave free, so the shares never add up to more than the limit. A newcomer thus starts
   * with what is free (nothing, while the others hold it all) and reaches its fair part once the
   * others have shrunk at their renewals and what they gave up is no longer held. {@code mine}:
   * this daemon's share still in force, or null. The result is in force for {@code ttl}; what it
   * gives up is held for {@link #HOLD}.
   */
  static Grant next(double rate, double burst, List<Grant> others, Grant mine, Instant now, Duration ttl) {
    int sharing = others.size() + 1;
    double othersRate = others.stream().mapToDouble(g -> g.countedRate(now)).sum();
    double othersBurst = others.stream().mapToDouble(g -> g.countedBurst(now)).sum();
    double newRate = Math.max(0, Math.min(rate / sharing, rate - othersRate));
    double newBurst = Math.max(0, Math.min(burst / sharing, burst - othersBurst));
    Instant expires = now.plus(ttl);
    if (mine == null) {
      return new Grant(newRate, newBurst, newRate, newBurst, now, expires);
    }
    if (newRate < mine.rate || newBurst < mine.burst) {
      return new Grant(newRate, newBurst, mine.countedRate(now), mine.countedBurst(now), now.plus(HOLD), expires);
    }
    return new Grant(newRate, newBurst, mine.heldRate, mine.heldBurst, mine.heldUntil, expires);
  }
}
