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
    if (alreadyNormal(status)) {
      return status;
    }
    String s = TRAILING_URL.matcher(status).replaceFirst("");
    s = CAMEL.matcher(s).replaceAll(" ");
    s = SEPARATORS.matcher(s.trim()).replaceAll(" ").toLowerCase(Locale.ROOT);
    if (s.isEmpty() || s.length() > MAX_LENGTH || s.chars().anyMatch(Character::isISOControl)) {
      return null;
    }
    return s;
  }

  /** Lower-case words separated by single spaces, as most servers send them: nothing to rewrite (and no regex to run). */
  private static boolean alreadyNormal(String status) {
    int n = status.length();
    if (n == 0 || n > MAX_LENGTH || status.charAt(0) == ' ' || status.charAt(n - 1) == ' ') {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = status.charAt(i);
      boolean letter = c >= 'a' && c <= 'z';
      if (!letter && !(c == ' ' && status.charAt(i - 1) != ' ')) {
        return false;
      }
    }
    return true;
  }
}
