package org.domainguard.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the human durations used in the configuration: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 30d}. */
public final class Durations {
  private static final Pattern FORMAT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private Durations() {}

  public static Duration parse(String key, String text) {
    Matcher m = FORMAT.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new ConfigException(key, "expected a duration such as 500ms, 30s, 5m, 1h or 30d, got '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  /** The shortest exact form in the configuration's own units, e.g. {@code 167s}, {@code 5m}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 != 0 ? ms + "ms" : ms % 60_000 != 0 ? ms / 1000 + "s" : ms % 3_600_000 != 0 ? ms / 60_000 + "m" : ms / 3_600_000 + "h";
  }
}
