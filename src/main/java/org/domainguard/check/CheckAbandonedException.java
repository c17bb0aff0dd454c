package org.domainguard.check;

/** A check nobody wanted any more by the time its first provider call was due: the provider was not called. */
public final class CheckAbandonedException extends RuntimeException {
  public CheckAbandonedException(String domain) {
    super("check of " + domain + " abandoned before calling the provider", null, false, false);
  }
}
