package org.domainguard.apply;

import java.time.Instant;
import org.domainguard.check.Phase;

/**
 * What one check result does to a domain: its new state, when to check next, and — when the
 * policy acts — the reason to unverify with and the cutoff: only addresses verified before
 * {@code cutoff} are unverified, so an address re-verified after the evidence was gathered is
 * never unverified by it.
 */
public record Decision(
    Phase phase,
    Phase lapsePhase,
    Instant lapseSeenAt,
    int failureCount,
    Instant nextCheckAt,
    String unverifyReason,
    Instant cutoff) {

  public boolean unverifies() {
    return unverifyReason != null;
  }
}
