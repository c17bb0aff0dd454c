package org.domainguard.check;

/**
 * A check that could not be made within {@code provider.max-check-wait} (the provider's circuit
 * breaker stayed open, or its 429 pauses did not end): no call was answered, nothing is known, and
 * the domain is given back still due, so its lease is never outlived.
 */
public final class CheckDeferredException extends RuntimeException {
  public CheckDeferredException(String domain, String why) {
    super("check of " + domain + " deferred: " + why, null, false, false);
  }
}
