package org.domainguard.check.rdap;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Normalises RDAP status strings to the RFC 8056 / IANA registry spelling: lower case, single
 * spaces, EPP camelCase split into words ({@code redemptionPeriod} → {@code redemption period}),
 * and a trailing URL dropped ({@code clientTransferProhibited https://icann.org/epp#...}).
 */
final class RdapStatuses {
  /** Longer than any registered status value. */
  static final int MAX_LENGTH = 100;
  private static final Pattern TRAILING_URL = Pattern.compile("\\s*\\(?\\s*https?://\\S*\\s*\\)?\\s*$", Pattern.CASE_INSENSITIVE);
  private static final Pattern CAMEL = Pattern.compile("(?<=[a-z0-9])(?=[A-Z])");
  private static final Pattern SEPARATORS = Pattern.compile("[\\s_]+");

  private RdapStatuses() {}

  /** The normalised status, or null when nothing usable is left (blank, control characters, too long). */
  static String normalise(String status) {
    if (status == null) {
      return null;
    }
    String s = TRAILING_URL.matcher(status).replaceFirst("");
    s = CAMEL.matcher(s).replaceAll(" ");
    s = SEPARATORS.matcher(s.trim()).replaceAll(" ").toLowerCase(Locale.ROOT);
    if (s.isEmpty() || s.length() > MAX_LENGTH || s.chars().anyMatch(Character::isISOControl)) {
      return null;
    }
    return s;
  }
}
