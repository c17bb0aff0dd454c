package org.domainguard.apply;

import java.time.Instant;
import org.domainguard.check.Phase;

/**
 * What one check result does to a domain: its new state (the phase the domain is recorded in),
 * when to check next, and — when the policy acts — the {@link Unverify} to apply. The two are
 * separate on purpose: a registration date newer than an address's verification unverifies with
 * reason {@code domain_reregistered} while the domain stays in the phase its registry says.
 */
public record Decision(
    Phase phase,
    Phase lapsePhase,
    Instant lapseSeenAt,
    int failureCount,
    Instant nextCheckAt,
    Unverify unverify) {

  /**
   * Unverify with {@code reason} every address of the domain verified before {@code cutoff}
   * (the rule of {@link VerifiedBefore}), so an address re-verified after the evidence, or after
   * a new registration, is never unverified by it.
   */
  public record Unverify(String reason, Instant cutoff) {
    public Unverify {
      if (reason == null || cutoff == null) {
        throw new IllegalArgumentException("an unverification needs a reason and a cutoff");
      }
    }

    /** Of two unverifications the later cutoff wins: it covers every address the earlier one would. */
    static Unverify later(Unverify a, Unverify b) {
      if (a == null) {
        return b;
      }
      if (b == null) {
        return a;
      }
      return b.cutoff.isAfter(a.cutoff) ? b : a;
    }
  }

  public boolean unverifies() {
    return unverify != null;
  }

  /** The reason to unverify with, or null when the decision acts on nothing. */
  public String unverifyReason() {
    return unverify == null ? null : unverify.reason();
  }

  /** Only addresses verified before this are unverified; null when the decision acts on nothing. */
  public Instant cutoff() {
    return unverify == null ? null : unverify.cutoff();
  }
}
