package org.domainguard.check.rdap;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads RDAP event dates leniently. RFC 3339 is what RFC 9083 asks for, but servers send years
 * above 9999 without the {@code +} ISO wants (nomulus' end of time, {@code 294247-01-10T04:00:54.775Z}),
 * no fraction or 1 to 9 fraction digits (or more), offsets with or without a colon, or no zone at all
 * (read as UTC). {@code java.time}'s own parsers refuse several of these.
 */
final class RdapDates {
  private static final Pattern DATE = Pattern.compile(
      "([+-]?\\d{4,9})-(\\d{1,2})-(\\d{1,2})"
          + "(?:[Tt ](\\d{1,2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d{1,9})\\d*)?)?)?"
          + "\\s*(Z|z|UTC|[+-]\\d{2}(?::?\\d{2})?)?");

  private RdapDates() {}

  /** The instant, or null when the text is not a date this reader understands. */
  static Instant parse(String text) {
    if (text == null) {
      return null;
    }
    Matcher m = DATE.matcher(text.trim());
    if (!m.matches()) {
      return null;
    }
    try {
      int year = Integer.parseInt(m.group(1));
      int hour = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
      int minute = m.group(5) == null ? 0 : Integer.parseInt(m.group(5));
      int second = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
      int nanos = m.group(7) == null ? 0 : Integer.parseInt((m.group(7) + "00000000").substring(0, 9));
      LocalDateTime local = LocalDateTime.of(year, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
          hour, minute, second == 60 ? 59 : second, nanos);
      return local.toInstant(offset(m.group(8)));
    } catch (DateTimeException | NumberFormatException e) {
      return null;
    }
  }

  private static ZoneOffset offset(String zone) {
    if (zone == null || zone.equalsIgnoreCase("Z") || zone.equals("UTC")) {
      return ZoneOffset.UTC;
    }
    String digits = zone.substring(1).replace(":", "");
    int hours = Integer.parseInt(digits.substring(0, 2));
    int minutes = digits.length() > 2 ? Integer.parseInt(digits.substring(2)) : 0;
    int sign = zone.charAt(0) == '-' ? -1 : 1;
    return ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
  }
}
