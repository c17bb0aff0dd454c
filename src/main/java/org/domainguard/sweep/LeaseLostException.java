package org.domainguard.sweep;

/**
 * A result that was not written because its domain's lease is no longer this daemon's (it expired
 * and another daemon took the domain over): that daemon's check decides, and nothing here changed.
 */
public final class LeaseLostException extends RuntimeException {
  public LeaseLostException(String domain) {
    super("lease of " + domain + " was lost before its result could be written", null, false, false);
  }
}
