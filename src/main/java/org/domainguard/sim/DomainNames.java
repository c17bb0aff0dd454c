package org.domainguard.sim;

import java.util.Locale;
import java.util.regex.Pattern;

/** Validates the {@code domain} the simulator is asked about, as a real API would reject junk with 400. */
final class DomainNames {
  private static final Pattern NAME =
      Pattern.compile("(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9-]{2,63}");

  private DomainNames() {}

  /** The lower-case name, or null when it is missing or not a plausible domain name. */
  static String normalise(String raw) {
    if (raw == null) {
      return null;
    }
    String name = raw.toLowerCase(Locale.ROOT);
    return NAME.matcher(name).matches() ? name : null;
  }

  static String zone(String name) {
    return name.substring(name.lastIndexOf('.') + 1);
  }
}
