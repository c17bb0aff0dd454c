package org.domainguard.discovery;

/** The outcome of parsing one address: its registrable domain, or the reason it is not watched. */
public record ParsedAddress(String normalized, String domain, String skipReason) {

  static ParsedAddress watched(String normalized, String domain) {
    return new ParsedAddress(normalized, domain, null);
  }

  static ParsedAddress skipped(String reason) {
    return new ParsedAddress(null, null, reason);
  }

  public boolean isWatched() {
    return domain != null;
  }
}
