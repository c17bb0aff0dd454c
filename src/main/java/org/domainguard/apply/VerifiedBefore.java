package org.domainguard.apply;

/**
 * The one safety rule every unverification obeys: only an address still verified, and verified
 * before the evidence was gathered (the cutoff), may be unverified. An address re-verified since
 * (or verified at an unknown time after a restore) is never undone by stale evidence.
 */
final class VerifiedBefore {
  private VerifiedBefore() {}

  /** The rule as a SQL condition on the address row {@code address} and the cutoff expression {@code cutoff}. */
  static String sql(String address, String cutoff) {
    return address + ".verified AND COALESCE(" + address + ".verified_at, '-infinity') < " + cutoff;
  }
}
