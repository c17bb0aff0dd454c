package org.domainguard.discovery;

/**
 * The outcome of parsing one address: its registrable domain, or the reason it is not watched.
 * Reasons start with {@code invalid: } (not a usable address) or {@code unsupported: } (a real
 * address with no registrable domain to watch).
 */
public record ParsedAddress(String normalized, String domain, String skipReason) {
  public static final String INVALID = "invalid: ";
  public static final String UNSUPPORTED = "unsupported: ";

  static ParsedAddress watched(String normalized, String domain) {
    return new ParsedAddress(normalized, domain, null);
  }

  static ParsedAddress invalid(String reason) {
    return new ParsedAddress(null, null, INVALID + reason);
  }

  static ParsedAddress unsupported(String reason) {
    return new ParsedAddress(null, null, UNSUPPORTED + reason);
  }

  public boolean isWatched() {
    return domain != null;
  }
}
