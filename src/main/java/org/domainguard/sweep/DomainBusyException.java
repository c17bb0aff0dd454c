package org.domainguard.sweep;

/** Another check holds the domain's lease right now. */
public final class DomainBusyException extends RuntimeException {
  public DomainBusyException(String domain) {
    super("domain " + domain + " is being checked right now; try again shortly");
  }
}
