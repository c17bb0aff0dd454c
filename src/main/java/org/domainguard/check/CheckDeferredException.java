package org.domainguard.check;

import java.time.Duration;

/**
 * A check that could not be made now. Without {@link #retryIn()}: it could not be made within
 * {@code provider.max-check-wait} (the provider's circuit breaker stayed open, or its 429 pauses did
 * not end): no call was answered, nothing is known, and the domain is given back still due, so its
 * lease is never outlived. With it: the domain's server (RDAP) cannot take a call for that long, and
 * the check gave its worker up instead of waiting; the sweep keeps the domain and tries it again then.
 */
public final class CheckDeferredException extends RuntimeException {
  private final transient Duration retryIn;

  public CheckDeferredException(String domain, String why) {
    this(domain, why, null);
  }

  public CheckDeferredException(String domain, String why, Duration retryIn) {
    super("check of " + domain + " deferred: " + why, null, false, false);
    this.retryIn = retryIn;
  }

  /** When to try again within the same sweep; null when the domain is to be given back. */
  public Duration retryIn() {
    return retryIn;
  }
}
